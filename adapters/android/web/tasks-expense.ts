/**
 * android-web Pro Expense tasks (AndroidWorld: single/expense.py over
 * common_validators/sqlite_validators.py). Rows are drawn as AndroidWorld draws them
 * (a category, a name of that category, $10–$500, a note, a date from October 1–15);
 * a check passes only when exactly the asked rows were added or removed and every
 * other row is untouched. Added rows compare name and note fuzzily, amount and
 * category exactly.
 */
import type { Rng } from "../../kit/rng.js";
import type { Expense } from "../../../emulator/web-device/state.js";
import { fuzzyMatch } from "../fuzzy.js";
import { def, json, norm, october, onlyAdded, onlyRemoved, randint, sample, wrapText, type WebTask } from "./task-kit.js";

/** A few of AndroidWorld's _EXPENSE_NAMES per category. */
const NAMES: Record<string, string[]> = {
  Others: ["Emergency Repairs", "Pet Supplies", "Household Items", "Stationery", "Subscriptions", "Legal Fees"],
  Income: ["Salary", "Freelance Payment", "Bonus", "Dividends", "Rental Income", "Consulting Fees"],
  Food: ["Restaurant Meal", "Groceries", "Coffee", "Fast Food", "Bakery Items", "Food Delivery"],
  Housing: ["Rent Payment", "Home Repairs", "Utilities", "Home Insurance", "Cleaning Services", "Pest Control"],
  Social: ["Dinner Party", "Gift for Friend", "Wedding Gift", "Charity Donations", "Event Tickets", "Night Out"],
  Entertainment: ["Concert Tickets", "Movie Night", "Theater Show", "Streaming Services", "Video Games", "Museum Tickets"],
  Transportation: ["Taxi Fare", "Public Transit Pass", "Gas", "Parking Fees", "Car Maintenance", "Flight Tickets"],
  Clothes: ["New Jacket", "Shoes", "Dress", "Jeans", "Sportswear", "Laundry"],
  "Health Care": ["Doctor Visits", "Medications", "Dental Care", "Eyecare", "Gym Membership", "Medical Tests"],
  Education: ["Tuition Fees", "School Supplies", "Textbooks", "Online Courses", "Workshops", "Tutoring Services"],
};
const NOTES = ["Paid by card", "Monthly payment", "Shared with a friend", "Reimbursable", "Weekend trip", "Urgent", "Gift", "Paid in cash"];

/** One row; ids are set when the rows are laid out. */
function expense(rng: Rng): Omit<Expense, "id"> {
  const category = rng.pick(Object.keys(NAMES));
  return { name: rng.pick(NAMES[category]!), amount: randint(rng, 1000, 50000), category, note: rng.pick(NOTES), date: october(randint(rng, 1, 15)) };
}

/** `n` rows with distinct names, none named like `taken`. */
function distinct(rng: Rng, n: number, taken: readonly string[] = []): Omit<Expense, "id">[] {
  const out: Omit<Expense, "id">[] = [];
  while (out.length < n) {
    const e = expense(rng);
    if (!taken.includes(e.name) && !out.some((x) => x.name === e.name)) out.push(e);
  }
  return out;
}

const withIds = (rows: readonly Omit<Expense, "id">[], from = 100): Expense[] => rows.map((r, i) => ({ id: from + i, ...r }));
const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`;

/** AndroidWorld's text forms of rows (sqlite_schema_utils.get_text_representation_of_rows). */
function asText(rows: readonly Omit<Expense, "id">[], format: string, wrap?: number): string {
  const fields = (e: Omit<Expense, "id">) => [e.name, dollars(e.amount), e.category, e.note];
  if (format === "csv") return ["name|amount_dollars|category_name|note", ...rows.map((e) => fields(e).join("|"))].join("\n");
  const w = (v: string) => (wrap === undefined ? v : wrapText(v, wrap));
  return rows.map((e) => `name: ${w(e.name)}\n amount_dollars: ${dollars(e.amount)}\n category_name: ${w(e.category)}\n note: ${w(e.note)}\n`).join("\n");
}

const addedAs = (ref: Omit<Expense, "id">, row: Expense) => fuzzyMatch(row.name, ref.name) && row.amount === ref.amount && norm(row.category) === norm(ref.category) && fuzzyMatch(row.note, ref.note);

function addTask(name: string, n: number, description: string): WebTask {
  return def({
    name,
    app: "Pro Expense",
    description,
    params: (rng) => {
      const targets = distinct(rng, n);
      return { targets: JSON.stringify(targets), noise: JSON.stringify(distinct(rng, 10, targets.map((t) => t.name))), format: rng.pick(["csv", "text_block"]) };
    },
    goal: (p) => `Add the following expenses into the arduia pro expense: ${asText(json(p.targets), p.format)}`,
    setup: (p) => ({ expenses: withIds(json(p.noise)) }),
    check: (s, p) => Number(onlyAdded(withIds(json(p.noise)), s.expenses, json<Omit<Expense, "id">[]>(p.targets), addedAs)),
  });
}

function deleteTask(name: string, n: number, noise: number, description: string): WebTask {
  return def({
    name,
    app: "Pro Expense",
    description,
    params: (rng) => {
      const targets = distinct(rng, n);
      return { names: targets.map((t) => t.name), expenses: JSON.stringify(withIds([...distinct(rng, noise, targets.map((t) => t.name)), ...targets])) };
    },
    goal: (p) => `Delete the following expenses from arduia pro expense: ${p.names.join(", ")}.`,
    setup: (p) => ({ expenses: json(p.expenses) }),
    check: (s, p) => {
      const before = json<Expense[]>(p.expenses);
      return Number(onlyRemoved(before, s.expenses, before.filter((e) => p.names.includes(e.name)).map((e) => e.id)));
    },
  });
}

/** The last two rows are the duplicates: exactly one of them is gone, nothing else changed. */
function oneDuplicateRemoved(before: Expense[], after: Expense[]): number {
  const [a, b] = before.slice(-2) as [Expense, Expense];
  return Number(onlyRemoved(before, after, [a.id]) || onlyRemoved(before, after, [b.id]));
}

export const EXPENSE_TASKS: readonly WebTask[] = [
  addTask("ExpenseAddSingle", 1, "add one expense given as csv or a text block (10 other expenses present)"),
  addTask("ExpenseAddMultiple", 3, "add three expenses given as csv or text blocks (10 other expenses present)"),
  deleteTask("ExpenseDeleteSingle", 1, 0, "delete the one expense"),
  deleteTask("ExpenseDeleteMultiple", 3, 0, "delete three expenses (all there are)"),
  deleteTask("ExpenseDeleteMultiple2", 3, 50, "delete three expenses among 50 others"),
  def({
    name: "ExpenseDeleteDuplicates",
    app: "Pro Expense",
    description: "delete one of two identical expenses among 5 others",
    params: (rng) => {
      const [target, ...others] = distinct(rng, 6) as [Omit<Expense, "id">, ...Omit<Expense, "id">[]];
      return { expenses: JSON.stringify(withIds([...others, target, target])) };
    },
    goal: () => "Delete all but one of any expenses in arduia pro expense that are exact duplicates, ensuring at least one instance of each unique expense remains.",
    setup: (p) => ({ expenses: json(p.expenses) }),
    check: (s, p) => oneDuplicateRemoved(json(p.expenses), s.expenses),
  }),
];

export const EXPENSE_MORE_TASKS: readonly WebTask[] = [
  def({
    name: "ExpenseAddMultipleFromGallery",
    app: "Pro Expense",
    description: "add the three expenses shown in a picture (expenses.jpg in Simple Gallery Pro, beside 10 old pictures; 10 expenses present)",
    params: (rng) => {
      const targets = distinct(rng, 3);
      return { targets: JSON.stringify(targets), noise: JSON.stringify(distinct(rng, 10, targets.map((t) => t.name))) };
    },
    goal: () => "Add the expenses from expenses.jpg in Simple Gallery Pro to arduia pro expense.",
    setup: (p) => {
      const old = asText(json(p.noise), "text_block", 60);
      const pictures = [{ folder: "DCIM", name: "expenses.jpg", size: 120, image: asText(json(p.targets), "text_block", 60) }, ...Array.from({ length: 10 }, (_, i) => ({ folder: "DCIM", name: `old_expenses_${i}.jpg`, size: 240, image: old }))];
      return { expenses: withIds(json(p.noise)), files: pictures };
    },
    check: (s, p) => Number(onlyAdded(withIds(json(p.noise)), s.expenses, json<Omit<Expense, "id">[]>(p.targets), addedAs)),
  }),
  def({
    name: "ExpenseDeleteDuplicates2",
    app: "Pro Expense",
    description: "delete one of two identical expenses among 37 others and 3 near-copies (other amount and date)",
    params: (rng) => {
      const [target, ...others] = distinct(rng, 38) as [Omit<Expense, "id">, ...Omit<Expense, "id">[]];
      const variants = sample(rng, Array.from({ length: 950 }, (_, i) => 50 + i), 3).map((d) => ({ ...target, amount: target.amount + d, date: october(randint(rng, 1, 15)) }));
      return { expenses: JSON.stringify(withIds([...others, ...variants, target, target])) };
    },
    goal: () => "Delete all but one of any expenses in arduia pro expense that are exact duplicates, ensuring at least one instance of each unique expense remains.",
    setup: (p) => ({ expenses: json(p.expenses) }),
    check: (s, p) => oneDuplicateRemoved(json(p.expenses), s.expenses),
  }),
  def({
    name: "ExpenseAddMultipleFromMarkor",
    app: "Pro Expense",
    description: "log the reimbursable transactions listed in a Markor note (2 of 102 rows; 100 expenses already logged)",
    params: (rng) => {
      const targets = distinct(rng, 2);
      const noise: Omit<Expense, "id">[] = [];
      while (noise.length < 100) {
        const e = expense(rng);
        if (!targets.some((t) => t.name === e.name)) noise.push(e);
      }
      const marked = targets.map((t) => ({ ...t, note: `${t.note}. Reimbursable.` }));
      return { targets: JSON.stringify(targets), noise: JSON.stringify(noise), file: asText(rng.shuffle([...marked, ...noise]), "csv") };
    },
    goal: () => "Go through the transactions in my_expenses.txt in Markor. Log the reimbursable transactions in the arduia pro expense.",
    setup: (p) => ({ expenses: withIds(json(p.noise)), notes: [{ name: "my_expenses.txt", content: p.file, mtime: Date.UTC(2023, 9, 15, 12) }] }),
    check: (s, p) => Number(onlyAdded(withIds(json(p.noise)), s.expenses, json<Omit<Expense, "id">[]>(p.targets), addedAs)),
  }),
];
