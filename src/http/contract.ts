import type * as v from "valibot";
import type { Role } from "../members/members.sql";

/**
 * What a function file declares about its endpoint besides `config`: the same valibot schemas it
 * validates with, and the response shape. scripts/openapi.ts builds the OpenAPI document from these.
 */
export interface RouteContract {
  summary: string;
  tag: string;
  /** "none": public; "member": any signed-in caller; a staff role: that role or above. */
  auth: "none" | "member" | Exclude<Role, "member">;
  /** Path parameters' schema (e.g. `{ id }`), when the path has any. */
  params?: v.GenericSchema;
  query?: v.GenericSchema;
  body?: v.GenericSchema;
  /** Takes an Idempotency-Key header. */
  idempotent?: boolean;
  success: { status: number; schema?: v.GenericSchema; description?: string };
  /** Error statuses this route may answer besides the universal ones (400, 401, 500). */
  errors?: number[];
}

export const defineContract = <C extends RouteContract>(contract: C): C => contract;
