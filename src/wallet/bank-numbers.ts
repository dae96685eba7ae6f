// Bank account numbers accepted per country (SPEC.md section 8), with their check digits:
// - MX: CLABE, 18 digits = bank (3) + branch (3) + account (11) + check digit. The check digit is
//   (10 - (sum of (digit x weight) mod 10 over the first 17 digits, weights 3,7,1 repeating) mod 10) mod 10.
// - US: ABA routing number, 9 digits with 3(d1+d4+d7) + 7(d2+d5+d8) + (d3+d6+d9) = 0 mod 10,
//   plus an account number of 4-17 digits.
// - CO: bank code of 3-4 digits (the ACH Colombia / Superfinanciera entity code, e.g. 1007) plus an
//   account number of 6-20 digits (Colombian numbers have no universal check digit).

const digits = (value: string) => [...value].map(Number);

export function isValidClabe(clabe: string): boolean {
  if (!/^\d{18}$/.test(clabe)) return false;
  const values = digits(clabe);
  const weights = [3, 7, 1];
  const sum = values.slice(0, 17).reduce((total, digit, i) => total + ((digit * weights[i % 3]!) % 10), 0);
  return (10 - (sum % 10)) % 10 === values[17];
}

export function isValidAbaRouting(routing: string): boolean {
  if (!/^\d{9}$/.test(routing) || routing === "000000000") return false;
  const d = digits(routing);
  const sum = 3 * (d[0]! + d[3]! + d[6]!) + 7 * (d[1]! + d[4]! + d[7]!) + (d[2]! + d[5]! + d[8]!);
  return sum % 10 === 0;
}

export const US_ACCOUNT_NUMBER = /^\d{4,17}$/;
export const CO_BANK_CODE = /^\d{3,4}$/;
export const CO_ACCOUNT_NUMBER = /^\d{6,20}$/;
