//! Locks that cannot poison the program. A panic while a lock is held leaves std's lock "poisoned", and the usual
//! `.lock().unwrap()` then panics in every later caller, so one failed task would take the app, the command line or
//! the sandbox down with it. Every value guarded in this workspace is whole after each statement (a map, a counter,
//! a cache, a session), so the next caller takes the value as the panicking code left it and goes on; the panic
//! itself is still reported where it happened.

use std::sync::{Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// `lock`, `read` and `write` that go on after a panic elsewhere (see the module comment).
pub trait Unpoisoned<T: ?Sized> {
    type Read<'a>
    where
        Self: 'a;
    type Write<'a>
    where
        Self: 'a;
    /// Shared access (for a mutex the same as [`Unpoisoned::write_guard`]).
    fn read_guard(&self) -> Self::Read<'_>;
    /// Exclusive access.
    fn write_guard(&self) -> Self::Write<'_>;
}

impl<T: ?Sized> Unpoisoned<T> for Mutex<T> {
    type Read<'a>
        = MutexGuard<'a, T>
    where
        T: 'a;
    type Write<'a>
        = MutexGuard<'a, T>
    where
        T: 'a;
    fn read_guard(&self) -> MutexGuard<'_, T> {
        self.lock().unwrap_or_else(PoisonError::into_inner)
    }
    fn write_guard(&self) -> MutexGuard<'_, T> {
        self.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<T: ?Sized> Unpoisoned<T> for RwLock<T> {
    type Read<'a>
        = RwLockReadGuard<'a, T>
    where
        T: 'a;
    type Write<'a>
        = RwLockWriteGuard<'a, T>
    where
        T: 'a;
    fn read_guard(&self) -> RwLockReadGuard<'_, T> {
        self.read().unwrap_or_else(PoisonError::into_inner)
    }
    fn write_guard(&self) -> RwLockWriteGuard<'_, T> {
        self.write().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_panic_while_holding_a_lock_does_not_stop_the_next_caller() {
        let m = Arc::new(Mutex::new(vec![1]));
        let rw = Arc::new(RwLock::new(1));
        let (m2, rw2) = (m.clone(), rw.clone());
        let crashed = std::thread::spawn(move || {
            let mut v = m2.write_guard();
            let mut n = rw2.write_guard();
            v.push(2);
            *n = 2;
            panic!("a task fails while holding both");
        })
        .join();
        assert!(crashed.is_err() && m.is_poisoned() && rw.is_poisoned());
        assert_eq!(*m.read_guard(), [1, 2]);
        *rw.write_guard() += 1;
        assert_eq!(*rw.read_guard(), 3);
    }
}
