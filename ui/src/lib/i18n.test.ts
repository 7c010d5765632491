import { describe, expect, it } from "vitest";
import { formatDateTime, formatNumber, missingKeys, translate } from "./i18n";

describe("i18n", () => {
  it("has the same keys in German and English", () => {
    expect(missingKeys()).toEqual([]);
  });
  it("speaks German first", () => {
    expect(translate("de", "start.demo")).toBe("Demo ansehen");
    expect(translate("en", "start.demo")).toBe("Try the demo");
  });
});

describe("words and numbers", () => {
  it("uses the singular for one and the plural otherwise", () => {
    expect(translate("de", "fix.apply", { n: 1 })).toBe("1 Änderung übernehmen …");
    expect(translate("de", "fix.apply", { n: 2 })).toBe("2 Änderungen übernehmen …");
    expect(translate("de", "main.summary_rentals", { n: 1 })).toBe("1 aktives Vermietungsobjekt");
    expect(translate("de", "main.summary_rentals", { n: 0 })).toBe("0 aktive Vermietungsobjekte");
    expect(translate("en", "main.summary_rentals", { n: 1 })).toBe("1 active rental listing");
    expect(translate("en", "main.summary_users", { n: 3 })).toBe("3 users");
  });

  it("groups numbers the German way", () => {
    expect(formatNumber("de", 20000)).toBe("20.000");
    expect(formatNumber("en", 20000)).toBe("20,000");
    expect(translate("de", "main.summary_rentals", { n: 10538 })).toBe("10.538 aktive Vermietungsobjekte");
  });

  it("writes dates and times in the German local form", () => {
    const d = new Date(2026, 10, 27, 14, 5);
    expect(formatDateTime("de", d)).toBe("27.11.2026, 14:05");
    expect(formatDateTime("de", d, false)).toBe("27.11.2026");
    expect(formatDateTime("de", "not a date")).toBe("not a date");
  });
});
