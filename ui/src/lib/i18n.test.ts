import { describe, expect, it } from "vitest";
import { missingKeys, translate } from "./i18n";

describe("i18n", () => {
  it("has the same keys in German and English", () => {
    expect(missingKeys()).toEqual([]);
  });
  it("speaks German first", () => {
    expect(translate("de", "start.demo")).toBe("Demo ansehen");
    expect(translate("en", "start.demo")).toBe("Try the demo");
  });
});
