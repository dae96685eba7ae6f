import { sql } from "drizzle-orm";
import { hashPassword } from "../auth/password";
import { now } from "../clock";
import { env } from "../config/env";
import { query, type Database } from "../db/client";
import { enrollMember } from "../members/enroll";
import { memberTable } from "../members/members.sql";
import { seedDemoOrders } from "./demo-orders";

// A demo network for local runs: a few hundred members under one demo leader, shaped by a seeded
// pseudo-random generator so every fresh database gets the same tree (member codes stay random).

export const DEMO_LEADER_EMAIL = "demo@nnprotect.local";
export const DEMO_SIZE = 300;
const DEMO_SEED = 20_240_601;
/** Enrolments spread over this many days before now, sponsors always before their recruits. */
const DEMO_HISTORY_DAYS = 365;

const NAMES: Record<"MX" | "US" | "CO", { first: string[]; last: string[] }> = {
  MX: { first: ["Ana", "Luis", "María", "José", "Sofía", "Diego", "Valeria", "Carlos"], last: ["Hernández", "García", "Martínez", "López", "Ramírez", "Flores"] },
  US: { first: ["Emily", "James", "Olivia", "Michael", "Ava", "Daniel", "Grace"], last: ["Smith", "Johnson", "Brown", "Miller", "Davis", "Wilson"] },
  CO: { first: ["Camila", "Andrés", "Daniela", "Santiago", "Laura", "Mateo"], last: ["Rodríguez", "Gómez", "Restrepo", "Torres", "Castaño", "Vargas"] },
};

export interface DemoNetwork {
  leaderEmail: string;
  members: number;
  /** False when the network was already there (nothing was written). */
  created: boolean;
}

/** mulberry32: tiny, fast and good enough to shape a demo tree reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Index of each member's sponsor among the earlier ones: mostly recent members, so chains grow deep. */
export function demoTreeShape(size: number, random: () => number): number[] {
  const sponsors = [-1];
  for (let i = 1; i < size; i += 1) {
    const recent = random() < 0.6;
    const lowest = recent ? Math.max(0, i - 12) : 0;
    sponsors.push(lowest + Math.floor(random() * (i - lowest)));
  }
  return sponsors;
}

/**
 * Builds the demo network under the company root in one transaction, or does nothing when the demo
 * leader exists. Every demo account signs in with `password` (one hash shared by all: hashing is
 * deliberately slow, and these are throwaway accounts). Refused in production.
 */
export async function seedDemo(db: Database, rootCode: string, password: string): Promise<DemoNetwork> {
  if (env().isProduction) throw new Error("The demo network is for local and test databases only");
  const [existing] = await db.select({ id: memberTable.id }).from(memberTable).where(sql`lower(${memberTable.email}) = ${DEMO_LEADER_EMAIL}`);
  if (existing) {
    const [row] = await query<{ members: number }>(db, sql`select count(*)::int as members from member where email like 'demo%@nnprotect.local'`);
    return { leaderEmail: DEMO_LEADER_EMAIL, members: row?.members ?? 0, created: false };
  }
  const passwordHash = await hashPassword(password);
  const random = seededRandom(DEMO_SEED);
  const sponsors = demoTreeShape(DEMO_SIZE, random);
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)]!;
  const historyStart = now().getTime() - DEMO_HISTORY_DAYS * 86_400_000;
  await db.transaction(async (tx) => {
    const codes: string[] = [];
    const ids: number[] = [];
    const enrolledAt: string[] = [];
    for (let i = 0; i < DEMO_SIZE; i += 1) {
      const draw = random();
      const country = draw < 0.5 ? "MX" : draw < 0.75 ? "US" : "CO";
      const names = NAMES[country];
      const enrolled = await enrollMember(tx, {
        email: i === 0 ? DEMO_LEADER_EMAIL : `demo.${String(i).padStart(3, "0")}@nnprotect.local`,
        passwordHash,
        firstName: i === 0 ? "Demo" : pick(names.first),
        lastName: i === 0 ? "Leader" : pick(names.last),
        country: i === 0 ? "MX" : country,
        sponsorCode: i === 0 ? rootCode : codes[sponsors[i]!]!,
      });
      codes.push(enrolled.memberCode);
      ids.push(enrolled.id);
      // Increasing with i (sponsors come first), with a little jitter so days are not evenly spaced.
      enrolledAt.push(new Date(historyStart + ((i + random() * 0.9) / DEMO_SIZE) * DEMO_HISTORY_DAYS * 86_400_000).toISOString());
    }
    await query(
      tx,
      sql`update member set enrolled_at = history.at
          from unnest(${`{${ids.join(",")}}`}::int[], ${`{${enrolledAt.join(",")}}`}::timestamptz[]) as history(id, at)
          where member.id = history.id`,
    );
    await seedDemoOrders(tx, ids.map((id, i) => ({ id, memberCode: codes[i]!, enrolledAt: new Date(enrolledAt[i]!) })), random);
  });
  return { leaderEmail: DEMO_LEADER_EMAIL, members: DEMO_SIZE, created: true };
}
