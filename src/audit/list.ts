import { and, count, eq, gte, lt, type SQL } from "drizzle-orm";
import * as v from "valibot";
import type { Database } from "../db/client";
import { offsetOf, orderBy, pageOf, windowOf } from "../http/list";
import { instantWindow, pageQuery, sortQuery, type Page } from "../http/schemas";
import { memberTable, ROLES } from "../members/members.sql";
import { auditLogTable } from "./audit.sql";

// `GET /api/admin/audit-log`: who did what to which entity, with before and after (admin only:
// docs/decisions/008-staff-lists-and-audit-log-access.md).

const filterText = v.pipe(v.string(), v.trim(), v.nonEmpty("Required"), v.maxLength(100));

export const auditLogQuery = v.strictObject({
  ...pageQuery,
  sort: sortQuery(["createdAt", "action", "entityType"], "-createdAt"),
  action: v.optional(v.pipe(filterText, v.description("Exact action, e.g. member.role_changed"))),
  entityType: v.optional(v.pipe(filterText, v.description("Exact entity type, e.g. member"))),
  entityId: v.optional(filterText),
  memberCode: v.optional(v.pipe(filterText, v.toUpperCase(), v.description("The actor's member code"))),
  ...instantWindow,
});
export type AuditLogQuery = v.InferOutput<typeof auditLogQuery>;

export const auditEntrySchema = v.object({
  id: v.pipe(v.number(), v.integer()),
  createdAt: v.pipe(v.string(), v.description("ISO 8601 instant")),
  action: v.string(),
  entityType: v.string(),
  entityId: v.string(),
  actor: v.pipe(
    v.nullable(v.object({ memberCode: v.string(), name: v.string(), role: v.picklist(ROLES) })),
    v.description("Null for the system (scheduled jobs, webhooks)"),
  ),
  before: v.pipe(v.unknown(), v.description("The entity's state before the change (null on creation)")),
  after: v.pipe(v.unknown(), v.description("The entity's state after the change")),
  requestId: v.nullable(v.string()),
});
export type AuditEntry = v.InferOutput<typeof auditEntrySchema>;

function conditions(query: AuditLogQuery): SQL | undefined {
  const { from, to } = windowOf(query);
  return and(
    query.action ? eq(auditLogTable.action, query.action) : undefined,
    query.entityType ? eq(auditLogTable.entityType, query.entityType) : undefined,
    query.entityId ? eq(auditLogTable.entityId, query.entityId) : undefined,
    query.memberCode ? eq(memberTable.memberCode, query.memberCode) : undefined,
    from ? gte(auditLogTable.createdAt, from) : undefined,
    to ? lt(auditLogTable.createdAt, to) : undefined,
  );
}

export async function listAuditLog(db: Database, query: AuditLogQuery): Promise<Page<AuditEntry>> {
  const where = conditions(query);
  const rows = await db
    .select({
      id: auditLogTable.id,
      createdAt: auditLogTable.createdAt,
      action: auditLogTable.action,
      entityType: auditLogTable.entityType,
      entityId: auditLogTable.entityId,
      actorCode: memberTable.memberCode,
      actorFirstName: memberTable.firstName,
      actorLastName: memberTable.lastName,
      actorRole: memberTable.role,
      before: auditLogTable.before,
      after: auditLogTable.after,
      requestId: auditLogTable.requestId,
    })
    .from(auditLogTable)
    .leftJoin(memberTable, eq(memberTable.id, auditLogTable.actorId))
    .where(where)
    .orderBy(...orderBy(query.sort, { createdAt: auditLogTable.createdAt, action: auditLogTable.action, entityType: auditLogTable.entityType }, auditLogTable.id))
    .limit(query.pageSize)
    .offset(offsetOf(query));
  const [total] = await db.select({ total: count() }).from(auditLogTable).leftJoin(memberTable, eq(memberTable.id, auditLogTable.actorId)).where(where);
  const items = rows.map(({ actorCode, actorFirstName, actorLastName, actorRole, createdAt, ...entry }) => ({
    ...entry,
    createdAt: createdAt.toISOString(),
    actor: actorCode === null ? null : { memberCode: actorCode, name: `${actorFirstName} ${actorLastName}`, role: actorRole! },
  }));
  return pageOf(items, total?.total ?? 0, query);
}
