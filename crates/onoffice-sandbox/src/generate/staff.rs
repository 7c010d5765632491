//! The people of the account: users in every case the audit must tell apart, their system user addresses, orphaned
//! system user addresses, wrong contacts, and the bulk of an address book.

use super::names::{initial, mail_local, new_address, person, FREE_MAIL, OTHER_TYPES};
use super::{Builder, UserCase};
use crate::model::*;

/// Every user case appears once before the random mix, so small accounts hold every finding kind.
const FORCED: [UserCase; 10] = [
    UserCase::Fine,
    UserCase::NoAddress,
    UserCase::NotMakler,
    UserCase::NoEmail,
    UserCase::FreeMail,
    UserCase::ExternalDomain,
    UserCase::BehindFilter,
    UserCase::OnlyNonDefaultEmail,
    UserCase::UnknownDomain,
    UserCase::Deactivated,
];

impl Builder<'_> {
    /// Users in every case (a few forced first so small accounts hold every finding kind) with their system user addresses.
    pub(super) fn users(&mut self) {
        for i in 0..self.cfg.users {
            let case = self.user_case(i);
            let (mut user, first, last) = self.new_user(i);
            match case {
                UserCase::Deactivated => {
                    user.status = if self.rng.chance(0.5) {
                        "deactivated"
                    } else {
                        "locked"
                    }
                    .into();
                }
                UserCase::NoAddress => {
                    self.plant("user.address_missing", format!("user:{}", user.nr))
                }
                _ => {
                    let id = self.system_user_address(case, &first, &last, &user.email);
                    user.address_id = Some(id);
                }
            }
            self.account.users.insert(user.nr, user);
        }
    }

    /// The case of the `i`th user: the forced ones first, then a random mix.
    fn user_case(&mut self, i: usize) -> UserCase {
        if let Some(&case) = FORCED.get(i) {
            return case;
        }
        match self.rng.below(100) {
            0..=3 => UserCase::Deactivated,
            4..=7 => UserCase::NoAddress,
            8..=17 => UserCase::NotMakler,
            18..=22 => UserCase::NoEmail,
            23..=25 => UserCase::OnlyNonDefaultEmail,
            26..=31 => UserCase::FreeMail,
            32..=37 => UserCase::ExternalDomain,
            38..=42 => UserCase::UnknownDomain,
            _ => UserCase::Fine,
        }
    }

    /// The `i`th user, active, with a unique username and a work mail at the agency's domain; and their first and
    /// last name.
    fn new_user(&mut self, i: usize) -> (User, String, String) {
        let nr = 17 + i as u64 * 2;
        let (first, last) = person(&mut self.rng);
        let mut username = mail_local(&format!("{}{}", initial(&first), last));
        while !self.used_usernames.insert(username.clone()) {
            username.push_str(&(self.rng.below(9) + 1).to_string());
        }
        let work_mail = format!(
            "{}.{}@{}",
            mail_local(&first),
            mail_local(&last),
            self.domain
        );
        let user = User {
            nr,
            username,
            first_name: first.clone(),
            last_name: last.clone(),
            kuerzel: format!("{}{}", initial(&first), initial(&last)).to_uppercase(),
            email: work_mail,
            address_id: None,
            status: "active".into(),
        };
        (user, first, last)
    }

    /// The system user address of a user in `case`, planted with its open points; returns its id.
    fn system_user_address(
        &mut self,
        case: UserCase,
        first: &str,
        last: &str,
        work_mail: &str,
    ) -> u64 {
        let id = self.next_address;
        self.next_address += 1;
        let mut a = new_address(&mut self.rng, id, first, last, &self.agency);
        a.contact_types.push("Systembenutzer".into());
        if self.rng.chance(0.3) {
            a.contact_types.push(self.rng.pick(OTHER_TYPES).to_string());
        }
        let not_makler = self.broker_contact_type(&mut a, case);
        let email = self.user_mailbox(&mut a, case, first, last, work_mail);
        let no_mailbox = self.place_mailbox(&mut a, case, first, email);
        if not_makler || no_mailbox {
            self.not_ready.insert(id);
        } else {
            self.ready.push(id);
        }
        self.account.addresses.insert(id, a);
        id
    }

    /// Ticks the broker contact type (anywhere in the list) unless the case is `NotMakler`; returns whether that is
    /// an open point of the address.
    fn broker_contact_type(&mut self, a: &mut Address, case: UserCase) -> bool {
        let Some(key) = self.broker_key.clone() else {
            return false;
        };
        if case == UserCase::NotMakler {
            self.without_broker_key.push(a.id);
            if self.makler_findings {
                self.plant("user.not_makler", format!("address:{}", a.id));
                return true;
            }
        } else {
            // The broker key sits anywhere in the list, as people tick it in any order.
            let pos = self.rng.below(a.contact_types.len() + 1);
            a.contact_types.insert(pos, key);
        }
        false
    }

    /// The default mailbox of a user in `case` (`None` when it has none; one with only a non-default e-mail gets
    /// that entry here).
    fn user_mailbox(
        &mut self,
        a: &mut Address,
        case: UserCase,
        first: &str,
        last: &str,
        work_mail: &str,
    ) -> Option<String> {
        match case {
            UserCase::NoEmail => None,
            UserCase::OnlyNonDefaultEmail => {
                let other = format!("{}@{}", mail_local(first), self.rng.pick(FREE_MAIL));
                a.emails.push(self.email_entry(other, false));
                None
            }
            UserCase::FreeMail => Some(format!(
                "{}.{}{}@{}",
                mail_local(first),
                mail_local(last),
                self.rng.below(90) + 10,
                self.rng.pick(FREE_MAIL)
            )),
            UserCase::ExternalDomain => Some(format!(
                "{}.{}@{}",
                mail_local(first),
                mail_local(last),
                self.external_domain
            )),
            UserCase::UnknownDomain => {
                Some(format!("{}@{}", mail_local(first), self.unknown_domain))
            }
            UserCase::BehindFilter => Some(format!(
                "{}.{}@{}",
                mail_local(first),
                mail_local(last),
                self.filter_domain
            )),
            _ => Some(work_mail.to_string()),
        }
    }

    /// Enters the default mailbox (next to a private one now and then) and plants what it leaves open; returns
    /// whether the address has an open e-mail or mailbox point.
    fn place_mailbox(
        &mut self,
        a: &mut Address,
        case: UserCase,
        first: &str,
        email: Option<String>,
    ) -> bool {
        let id = a.id;
        let Some(addr) = email else {
            self.plant("user.no_email", format!("address:{id}"));
            return true;
        };
        let external = matches!(case, UserCase::FreeMail | UserCase::ExternalDomain);
        if external {
            self.plant("user.mailbox_external", format!("address:{id}"));
        } else {
            // An external mailbox never gets mail booking: nothing to confirm there.
            self.plant("user.mail_booking_unconfirmed", format!("address:{id}"));
        }
        if self.rng.chance(0.2) {
            let private = format!("{}.privat@{}", mail_local(first), self.rng.pick(FREE_MAIL));
            a.emails.push(self.email_entry(private, false));
        }
        let pos = self.rng.below(a.emails.len() + 1);
        a.emails.insert(pos, self.email_entry(addr, true));
        external
    }

    /// Systembenutzer addresses no user points to (left over from former staff).
    pub(super) fn orphans(&mut self) {
        let broker_key = self.broker_key.clone();
        let orphans = (self.cfg.users / 15).max(1);
        for _ in 0..orphans {
            let id = self.next_id();
            let (first, last) = person(&mut self.rng);
            let mut a = new_address(&mut self.rng, id, &first, &last, &self.agency);
            a.contact_types = vec!["Systembenutzer".into()];
            if let Some(key) = &broker_key {
                a.contact_types.push(key.clone());
            }
            self.account.addresses.insert(id, a);
            self.plant("address.user_missing", format!("address:{id}"));
        }
    }

    /// Separate broker records and private addresses of staff, used as wrong contacts of listings. Returns their ids.
    pub(super) fn wrong_contacts(&mut self) -> Vec<u64> {
        let broker_key = self.broker_key.clone();
        let mut wrong_contacts = Vec::new();
        for n in 0..(3 + self.cfg.users / 10) {
            let id = self.next_id();
            let (first, last) = person(&mut self.rng);
            let mut a = new_address(
                &mut self.rng,
                id,
                &first,
                &last,
                if n % 2 == 0 { &self.agency } else { "" },
            );
            if n % 2 == 0 {
                if let Some(key) = &broker_key {
                    a.contact_types.push(key.clone());
                }
                let work = format!("{}@{}", mail_local(&last), self.domain);
                a.emails.push(self.email_entry(work, true));
            } else {
                a.contact_types.push("Privatkontakt".into());
                let private = self.free_mail(&first, &last);
                a.emails.push(self.email_entry(private, true));
            }
            self.account.addresses.insert(id, a);
            wrong_contacts.push(id);
        }
        wrong_contacts
    }

    /// Customers, owners and prospects: the bulk of a real address book.
    pub(super) fn address_book(&mut self) {
        for _ in 0..(20 + self.cfg.estates / 2) {
            let id = self.next_id();
            let (first, last) = person(&mut self.rng);
            let mut a = new_address(&mut self.rng, id, &first, &last, "");
            a.contact_types.push(
                self.rng
                    .pick(&[
                        "Eigentümer",
                        "Interessent Miete",
                        "Interessent Kauf",
                        "Kunde",
                    ])
                    .to_string(),
            );
            if self.rng.chance(0.3) {
                a.contact_types.push("Newsletter-Empfänger".into());
            }
            if self.rng.chance(0.8) {
                let private = self.free_mail(&first, &last);
                a.emails.push(self.email_entry(private, true));
            }
            self.account.addresses.insert(id, a);
        }
    }

    /// An e-mail entry with the account's next entry id.
    fn email_entry(&mut self, address: String, default: bool) -> EmailEntry {
        let id = self.account.next_email_id;
        self.account.next_email_id += 1;
        EmailEntry {
            id,
            address,
            default,
            ..EmailEntry::default()
        }
    }

    /// A private address at a free mail provider.
    fn free_mail(&mut self, first: &str, last: &str) -> String {
        format!(
            "{}.{}@{}",
            mail_local(first),
            mail_local(last),
            self.rng.pick(FREE_MAIL)
        )
    }
}
