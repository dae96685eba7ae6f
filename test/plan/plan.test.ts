import { describe, expect, it } from "vitest";
import { database } from "../../src/db/client";
import { Dec } from "../../src/money/decimal";
import { loadPlan } from "../../src/plan/plan";

// The seed must load exactly SPEC.md's numbers; these read them back through the Plan API.
describe("the seeded plan", async () => {
  const plan = await loadPlan(await database());
  const sum = (values: (Dec | undefined)[]) => values.reduce<Dec>((total, value) => total.plus(value ?? 0), new Dec(0));

  it("has the eight ranks in order with their thresholds", () => {
    expect(plan.ranks.map((rank) => [rank.name, rank.minPv.toString(), rank.minPvg.toString(), rank.unilevelLevels])).toEqual([
      ["Visionario", "1465", "1465", 3],
      ["Emprendedor", "1465", "21000", 4],
      ["Creativo", "1465", "58000", 5],
      ["Innovador", "1465", "120000", 6],
      ["Embajador Transformador", "1465", "300000", 9],
      ["Embajador Inspirador", "1465", "650000", 9],
      ["Embajador Consciente", "1465", "1300000", 9],
      ["Embajador Solidario", "1465", "2900000", 9],
    ]);
  });

  it("reproduces the Creativo unilevel worked example (2,240 MXN)", () => {
    const levelVn = ["10000", "8000", "6000", "4000", "2000"];
    const earned = sum(levelVn.map((vn, i) => plan.unilevelPercent("creativo", i + 1)?.times(vn).div(100)));
    expect(earned.toString()).toBe("2240");
    expect(plan.unilevelPercent("creativo", 6)).toBeUndefined();
  });

  it("pays the infinity line from level 10 on, for Embajadores only", () => {
    expect(plan.unilevelPercent("embajador_solidario", 10)?.toString()).toBe("2");
    expect(plan.unilevelPercent("embajador_transformador", 2500)?.toString()).toBe("0.5");
    expect(plan.unilevelPercent("innovador", 10)).toBeUndefined();
    expect(plan.unilevelPercent("embajador_inspirador", 9)?.toString()).toBe("3");
  });

  it("reproduces the Solidario matching worked example (5,200 MXN)", () => {
    const earned = sum(["10000", "8000", "6000"].map((base, i) => plan.matchingPercent("embajador_solidario", i + 1)?.times(base).div(100)));
    expect(earned.toString()).toBe("5200");
    expect(plan.matchingPercent("embajador_transformador", 2)).toBeUndefined();
  });

  it("has the instant, achievement, car, cashback and withdrawal numbers", () => {
    expect(plan.instantPercent("direct", 1)?.toString()).toBe("25");
    expect([1, 2, 3].map((level) => plan.instantPercent("fast_start", level)?.toString())).toEqual(["30", "10", "5"]);
    expect(plan.achievementAmount("emprendedor", "COP")?.toString()).toBe("330000");
    expect(plan.achievementAmount("embajador_consciente", "USD")?.toString()).toBe("1111");
    expect(plan.achievementAmount("visionario", "MXN")).toBeUndefined();
    expect(plan.rank("emprendedor").achievementWindowDays).toBe(30);
    expect(plan.amount("car_down_payment", "COP").toString()).toBe("11000000");
    expect(plan.amount("withdrawal_fee", "USD").toString()).toBe("1");
    expect(plan.amount("cashback_base", "MXN").times(plan.decimal("cashback_percent")).div(100).toFixed(2)).toBe("2757.10");
    expect(plan.integer("instant_hold_days")).toBe(7);
    expect(plan.travelRankPoints("creativo")).toEqual({ own: 15, direct: 10 });
  });
});
