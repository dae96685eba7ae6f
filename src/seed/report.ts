import type { SeedResult } from ".";

/** What a person needs to sign in after seeding, as printed by `npm start` and `npm run db:seed`. */
export function credentialLines(result: SeedResult, startAfresh: string): string[] {
  const lines = ["Sign in with POST /api/auth/login {\"email\", \"password\"}:"];
  for (const { role, email } of result.staff) lines.push(`  ${role.padEnd(8)} ${email}`);
  if (result.demo) lines.push(`  member   ${result.demo.leaderEmail}  (leads the demo network: ${result.demo.members} members, demo.NNN@nnprotect.local)`);
  const { password } = result;
  if (password.source === "generated") {
    lines.push(`  password ${password.value}`, "           Generated now and shown only this once (only its hash is stored): keep it.");
  } else if (password.source === "configured") {
    lines.push("  password the value of SEED_STAFF_PASSWORD");
  } else {
    lines.push("  password the one printed when these accounts were created (or SEED_STAFF_PASSWORD, if set then)", `           Lost it? ${startAfresh}`);
  }
  if (result.demo?.generatedPassword) lines.push(`  demo accounts' password ${result.demo.generatedPassword} (generated now, shown once)`);
  return lines;
}
