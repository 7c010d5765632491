// Finding accounts by name as the backend's `Accounts::search` does: case ignored, umlauts and ß matched by their
// spelt-out form ("muenchen" finds "München").
const fold = (s: string) =>
  s.toLowerCase().replaceAll("ä", "ae").replaceAll("ö", "oe").replaceAll("ü", "ue").replaceAll("ß", "ss");

/** The accounts whose name contains `query` (all for an empty query). */
export function searchAccounts<T extends { name: string }>(accounts: T[], query: string): T[] {
  const q = fold(query.trim());
  return q ? accounts.filter((a) => fold(a.name).includes(q)) : accounts;
}
