// Reading a finding's subject (see the Rust `Subject` type): what kind of record it is and its number. The only place
// in the UI that looks inside the wire form.
import type { Subject } from "../bindings";

export type SubjectKind = "account" | "user" | "address" | "estate";

export function subjectKind(subject: Subject): SubjectKind {
  return subject.startsWith("account") ? "account" : (subject.slice(0, subject.indexOf(":")) as SubjectKind);
}

/** The record number of a user, address or listing subject; null for the account. */
export function subjectId(subject: Subject): number | null {
  return subjectKind(subject) === "account" ? null : Number(subject.slice(subject.indexOf(":") + 1));
}

export const addressSubject = (id: number): Subject => `address:${id}`;
export const estateSubject = (id: number): Subject => `estate:${id}`;
export const userSubject = (nr: number): Subject => `user:${nr}`;
