/**
 * The seeded institutions, their users and accounts. Passwords are documented dev passwords:
 * this bank exists only on loopback for development and tests.
 */
export type AccountKind = "CHECKING" | "SAVINGS" | "CREDITCARD";

export interface SeedAccount {
  id: string;
  kind: AccountKind;
  nickname: string;
  productName: string;
  accountNumber: string;
  /** Balance (minor units) before the first generated day; a card's is money owed, negative. */
  openingBalance: number;
  /** Monthly salary on a checking account, minor units. */
  salary?: number;
  /** Monthly rent paid from a checking account, minor units. */
  rent?: number;
  /** Target number of generated transactions (the benchmark's "large" account). */
  largeTransactionCount?: number;
  /** ISO 4217 code when the account is not in the institution's currency (a euro account at a US bank). */
  currency?: string;
  /** Who the monthly income comes from (default "Acme Corp Payroll": a person's salary). */
  incomeFrom?: string;
  /** Who the monthly rent goes to (default "Oakview Property Mgmt"). */
  rentTo?: string;
}

export interface SeedUser {
  id: string;
  email: string;
  name: string;
  password: string;
  accounts: SeedAccount[];
}

export interface InstitutionSpec {
  slug: string;
  name: string;
  currency: string;
  users: SeedUser[];
}

export function buildInstitutions(largeTransactionCount: number): InstitutionSpec[] {
  return [
    {
      slug: "northwind",
      name: "Northwind Bank",
      currency: "USD",
      users: [
        {
          id: "nw-user-demo",
          email: "demo@northwind.example",
          name: "Dana Demo",
          password: "northwind-demo",
          accounts: [
            { id: "nw-chk-1001", kind: "CHECKING", nickname: "Everyday Checking", productName: "Northwind Everyday", accountNumber: "1200451001", openingBalance: 482_311, salary: 612_500, rent: 185_000 },
            { id: "nw-sav-1002", kind: "SAVINGS", nickname: "Rainy Day Savings", productName: "Northwind High Yield", accountNumber: "1200451002", openingBalance: 1_250_000 },
            { id: "nw-cc-1003", kind: "CREDITCARD", nickname: "Northwind Rewards Visa", productName: "Rewards Visa", accountNumber: "4111110000001003", openingBalance: -84_217 },
          ],
        },
        {
          id: "nw-user-sam",
          email: "sam@northwind.example",
          name: "Sam Sample",
          password: "northwind-sam",
          accounts: [
            { id: "nw-chk-2001", kind: "CHECKING", nickname: "Checking", productName: "Northwind Basic", accountNumber: "1200452001", openingBalance: 120_000, salary: 390_000, rent: 120_000 },
            { id: "nw-cc-2002", kind: "CREDITCARD", nickname: "Cash Back Card", productName: "Cash Back Mastercard", accountNumber: "5500000000002002", openingBalance: -20_000 },
          ],
        },
        {
          // The ChargeKeep demo's business (npm run dev connects Acme Corp to it through the OAuth flow):
          // dollar accounts and a euro account, so the demo shows two currencies.
          id: "nw-user-acme",
          email: "acme@northwind.example",
          name: "Acme Corp",
          password: "northwind-acme",
          accounts: [
            { id: "nw-chk-5001", kind: "CHECKING", nickname: "Operating Account", productName: "Northwind Business Checking", accountNumber: "1200455001", openingBalance: 4_820_000, salary: 3_150_000, rent: 420_000, incomeFrom: "Customer payments", rentTo: "Riverside Offices LLC" },
            { id: "nw-sav-5002", kind: "SAVINGS", nickname: "Tax Reserve", productName: "Northwind Business Savings", accountNumber: "1200455002", openingBalance: 6_500_000 },
            { id: "nw-cc-5003", kind: "CREDITCARD", nickname: "Corporate Card", productName: "Business Visa", accountNumber: "4111110000005003", openingBalance: -312_000 },
            { id: "nw-eur-5004", kind: "CHECKING", nickname: "Euro Operating", productName: "Northwind Global Account", accountNumber: "1200455004", openingBalance: 1_940_000, salary: 1_280_000, rent: 260_000, currency: "EUR", incomeFrom: "EU customer payments", rentTo: "Kanal Büros GmbH" },
          ],
        },
        {
          // The benchmark's account: history sized by SANDBOX_BANK_LARGE_TRANSACTIONS, generated on first use.
          id: "nw-user-large",
          email: "large@northwind.example",
          name: "Lars Large",
          password: "northwind-large",
          accounts: [
            { id: "nw-chk-9001", kind: "CHECKING", nickname: "Operating Account", productName: "Northwind Business", accountNumber: "1200459001", openingBalance: 10_000_000, salary: 2_500_000, rent: 600_000, largeTransactionCount },
          ],
        },
      ],
    },
    {
      slug: "harbor",
      name: "Harbor Credit Union",
      currency: "USD",
      users: [
        {
          id: "hb-user-demo",
          email: "demo@harbor.example",
          name: "Harper Demo",
          password: "harbor-demo",
          accounts: [
            { id: "hb-chk-3001", kind: "CHECKING", nickname: "Share Draft", productName: "Harbor Share Draft", accountNumber: "8800713001", openingBalance: 215_040, salary: 475_000, rent: 142_500 },
            { id: "hb-sav-3002", kind: "SAVINGS", nickname: "Share Savings", productName: "Harbor Share Savings", accountNumber: "8800713002", openingBalance: 640_000 },
            { id: "hb-cc-3003", kind: "CREDITCARD", nickname: "Harbor Visa Platinum", productName: "Visa Platinum", accountNumber: "4000000000003003", openingBalance: -41_880 },
          ],
        },
      ],
    },
  ];
}
