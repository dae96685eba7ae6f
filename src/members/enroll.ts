import { sql } from "drizzle-orm";
import { now } from "../clock";
import { query, type Database } from "../db/client";
import { AppError } from "../errors";
import { newMemberCode } from "./member-code";
import { lockTreeShape } from "./tree";

export interface NewMember {
  email: string;
  passwordHash: string;
  firstName: string;
  lastName: string;
  country: string;
  sponsorCode: string;
}

export interface EnrolledMember {
  id: number;
  memberCode: string;
  sponsorId: number;
  depth: number;
}

/**
 * Places a new member under the sponsor named by public code: one row, whose path is the sponsor's
 * path plus its own id (it takes its id from the sequence first). The row enters the overlay (a
 * trigger adds it) until the next renumbering (docs/decisions/001-tree-storage.md). The shared tree
 * lock makes a concurrent move wait, so the sponsor's path cannot be rewritten while it is copied.
 */
export async function enrollMember(db: Database, member: NewMember): Promise<EnrolledMember> {
  return db.transaction(async (tx) => {
    await lockTreeShape(tx, "shared");
    return placeMember(tx, member);
  });
}

async function placeMember(db: Database, member: NewMember): Promise<EnrolledMember> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const memberCode = newMemberCode();
    const rows = await query<EnrolledMember>(
      db,
      sql`with sponsor as (
            select id, depth, path from member where member_code = ${member.sponsorCode.trim().toUpperCase()} and path is not null
          ), next as (select nextval(pg_get_serial_sequence('member', 'id'))::int as id)
          insert into member (id, member_code, email, password_hash, first_name, last_name, country, sponsor_id, depth, path, enrolled_at)
          select next.id, ${memberCode}, ${member.email}, ${member.passwordHash}, ${member.firstName}, ${member.lastName}, ${member.country},
                 sponsor.id, sponsor.depth + 1, sponsor.path || next.id, ${now().toISOString()}::timestamptz
          from sponsor, next
          on conflict (member_code) do nothing
          returning id, member_code as "memberCode", sponsor_id as "sponsorId", depth`,
    );
    if (rows[0]) return rows[0];
    const [sponsor] = await query(db, sql`select 1 from member where member_code = ${member.sponsorCode.trim().toUpperCase()} and path is not null`);
    if (!sponsor) throw new AppError("validation", "Unknown sponsor code", { errors: [{ path: "sponsorCode", message: "No member has this code" }] });
    // Otherwise the random member code collided: draw again.
  }
  throw new Error("could not draw a free member code");
}
