/**
 * android-web Broccoli recipe tasks (AndroidWorld: single/recipe.py over
 * common_validators/sqlite_validators.py). Recipes are drawn as AndroidWorld's
 * _generate_random_recipe draws them: a recipe of its list with a random
 * description, servings, preparation time, ingredients line and a sentence added to
 * its directions. Row sets are drawn as its get_random_items does (distinct by every
 * field unless the task asks for distinct titles). A check passes only when exactly
 * the asked rows were added or removed and every other row is untouched; added rows
 * compare every text field fuzzily and `favorite` exactly, as AndroidWorld's
 * validate_rows_addition_integrity does.
 */
import type { Rng } from "../../kit/rng.js";
import type { Recipe } from "../../../emulator/web-device/state.js";
import { fuzzyMatch } from "../fuzzy.js";
import { def, json, onlyAdded, onlyRemoved, wrapText, type P, type WebTask } from "./task-kit.js";

type Row = Omit<Recipe, "id">;

/** AndroidWorld's _RECIPES (title and directions), 32 of its 39. */
const RECIPES: readonly [string, string][] = [
  ["Spicy Tuna Wraps", "Mix canned tuna with mayo and sriracha. Spread on tortillas, add lettuce and cucumber slices, roll up."],
  ["Avocado Toast with Egg", "Toast bread, top with mashed avocado, a fried egg, salt, pepper, and chili flakes."],
  ["Greek Salad Pita Pockets", "Fill pita pockets with lettuce, cucumber, tomato, feta, olives, and Greek dressing."],
  ["Quick Fried Rice", "Sauté cooked rice with vegetables, add soy sauce and scrambled eggs. Toss until hot."],
  ["Pesto Pasta with Peas", "Cook pasta, stir in pesto sauce and cooked peas. Add Parmesan cheese before serving."],
  ["BBQ Chicken Quesadillas", "Mix shredded cooked chicken with BBQ sauce. Place on tortillas with cheese, fold and cook until crispy."],
  ["Tomato Basil Bruschetta", "Top sliced baguette with a mix of chopped tomatoes, basil, garlic, olive oil, salt, and pepper."],
  ["Lemon Garlic Tilapia", "Sauté tilapia in butter, add lemon juice and garlic. Serve with steamed vegetables."],
  ["Turkey and Cheese Panini", "Layer turkey and cheese on bread, grill in a panini press until golden."],
  ["Veggie and Hummus Sandwich", "Spread hummus on bread, add cucumber, bell pepper, carrot, and lettuce."],
  ["Mango Chicken Curry", "Cook chicken pieces in a pan, add onions, garlic, and ginger. Stir in curry powder, coconut milk, and mango pieces. Simmer until chicken is cooked."],
  ["Beef Stir Fry", "Stir-fry beef slices with broccoli, bell peppers, and onions in soy sauce and garlic. Serve over rice or noodles."],
  ["Shrimp Avocado Salad", "Mix cooked shrimp with avocado, tomatoes, cucumber, and onion. Dress with lime juice, olive oil, salt, and pepper."],
  ["Spinach and Feta Stuffed Chicken", "Stuff chicken breasts with a mixture of spinach, feta, garlic, and herbs. Bake until chicken is cooked through."],
  ["Zucchini Noodles with Pesto", "Spiralize zucchini into noodles, sauté with garlic, then mix with pesto sauce. Top with grated Parmesan cheese."],
  ["Sweet Potato and Black Bean Tacos", "Roast sweet potato cubes, mix with black beans, and use as filling for tacos. Top with avocado and cilantro lime sauce."],
  ["Salmon with Dill Sauce", "Bake salmon fillets and serve with a sauce made from Greek yogurt, dill, lemon juice, and garlic."],
  ["Quinoa Salad with Vegetables", "Mix cooked quinoa with diced vegetables, feta cheese, and a lemon olive oil dressing."],
  ["Chickpea Vegetable Soup", "Sauté onions, carrots, and celery, add broth, canned tomatoes, and chickpeas. Simmer with spinach and seasonings."],
  ["Chicken Caesar Salad Wrap", "Toss chopped romaine lettuce with Caesar dressing, grilled chicken strips, and Parmesan cheese. Wrap in a large tortilla."],
  ["Vegetarian Chili", "Cook onions, garlic, bell peppers, and carrots. Add canned tomatoes, kidney beans, black beans, corn, and chili seasoning. Simmer until vegetables are tender."],
  ["Pan-Seared Salmon with Quinoa", "Pan-sear salmon fillets until crispy. Serve over cooked quinoa with a side of steamed asparagus."],
  ["Caprese Salad Skewers", "Thread cherry tomatoes, basil leaves, and mozzarella balls onto skewers. Drizzle with balsamic glaze."],
  ["Chicken Alfredo Pasta", "Cook fettuccine pasta, toss with Alfredo sauce and grilled chicken strips. Serve with a sprinkle of Parmesan cheese."],
  ["Stuffed Bell Peppers", "Mix cooked quinoa, black beans, corn, tomato sauce, and spices. Stuff into bell peppers and bake until tender."],
  ["Eggplant Parmesan", "Slice eggplant, bread, and fry. Layer in a baking dish with marinara sauce and mozzarella cheese. Bake until bubbly."],
  ["Thai Peanut Noodle Salad", "Toss cooked noodles with a Thai peanut sauce, sliced red bell peppers, cabbage, carrots, and cilantro."],
  ["Butternut Squash Soup", "Sauté onions and garlic, add cubed butternut squash and broth. Puree until smooth and season with nutmeg, salt, and pepper."],
  ["Baked Cod with Lemon and Dill", "Place cod fillets in a baking dish, season with lemon juice, dill, salt, and pepper. Bake until fish flakes easily."],
  ["Vegetable Stir Fry with Tofu", "Stir-fry tofu cubes until golden, add assorted vegetables and a stir-fry sauce. Serve over rice or noodles."],
  ["Classic Margherita Pizza", "Spread pizza dough with tomato sauce, top with slices of mozzarella cheese and fresh basil leaves. Bake until crust is golden."],
  ["Lentil Soup", "Cook onions, carrots, celery, garlic, and lentils in vegetable broth until lentils are tender. Season with thyme and bay leaves."],
];
const DESCRIPTIONS = ["A quick and easy meal, perfect for busy weekdays.", "A delicious and healthy choice for any time of the day.", "An ideal recipe for experimenting with different flavors and ingredients."];
const DIRECTIONS_ADDITIONS = ["Try adding a pinch of your favorite spices for extra flavor.", "Feel free to substitute with ingredients you have on hand.", "Garnish with fresh herbs for a more vibrant taste."];
const INGREDIENTS = ["see directions", "as per recipe", "varies", "to preference", "quantities to taste", "as needed", "optional ingredients", "n/a", "various amounts", "adjustable", "to your liking", "flexible ingredients", "per individual taste", "as desired", "subject to change"];
const SERVINGS = ["1 serving", "2 servings", "3-4 servings", "6 servings", "8 servings"];
const PREP_TIMES = ["10 mins", "20 mins", "30 mins", "45 mins", "1 hrs", "2 hrs", "3 hrs", "4 hrs"];
/** Part of AndroidWorld's _COMMON_INGREDIENTS: ones its recipes use, and exotic ones none of them does. */
const COMMON_INGREDIENTS = [
  "tuna", "lettuce", "cucumber", "bread", "avocado", "eggs", "salt", "pepper", "tomatoes", "rice", "vegetables", "soy sauce", "pesto sauce", "chicken", "cheese",
  "basil", "garlic", "olive oil", "butter", "lemon juice", "bell peppers", "carrots", "onions", "shrimp", "spinach", "herbs", "black beans", "dill", "quinoa",
  "chickpeas", "corn", "noodles", "cabbage", "tofu", "lentils", "thyme", "ghee", "cardamom", "galangal", "seaweed", "black truffle",
];

/** AndroidWorld's _generate_random_recipe. */
function randomRecipe(rng: Rng): Row {
  const [title, directions] = rng.pick(RECIPES);
  return {
    title,
    description: rng.pick(DESCRIPTIONS),
    servings: rng.pick(SERVINGS),
    preparationTime: rng.pick(PREP_TIMES),
    source: "",
    ingredients: rng.pick(INGREDIENTS),
    directions: `${directions} ${rng.pick(DIRECTIONS_ADDITIONS)}`,
    favorite: 0,
  };
}

const same = (a: Row, b: Row) => JSON.stringify(a) === JSON.stringify(b);

/**
 * AndroidWorld's get_random_items: `n` rows passing `keep`, distinct by every field
 * (or, with `distinct`, by that key). Gives up after 10 000 draws, as it does.
 */
function randomItems(rng: Rng, n: number, keep: (r: Row) => boolean = () => true, distinct: (a: Row, b: Row) => boolean = same): Row[] {
  const out: Row[] = [];
  for (let i = 0; out.length < n; i++) {
    if (i >= 10_000) throw new RangeError(`could draw only ${out.length} of ${n} recipes`);
    const r = randomRecipe(rng);
    if (keep(r) && !out.some((x) => distinct(x, r))) out.push(r);
  }
  return out;
}
const byTitle = (a: Row, b: Row) => a.title === b.title;

const withIds = (rows: readonly Row[], from = 100): Recipe[] => rows.map((r, i) => ({ id: from + i, ...r }));

/** AndroidWorld's _get_rows_as_text: csv with a header, or text blocks headed "Recipe: TITLE" (values wrapped at `wrap` if given). */
function asText(rows: readonly Row[], format: string, wrap?: number): string {
  const fields = ["description", "servings", "preparationTime", "ingredients", "directions"] as const;
  if (format === "csv") return [["title", ...fields].join("|"), ...rows.map((r) => [r.title, ...fields.map((f) => r[f])].join("|"))].join("\n");
  const value = (v: string) => (wrap === undefined ? v : wrapText(v, wrap));
  return rows.map((r) => `Recipe: ${r.title}\n${fields.map((f) => ` ${f}: ${value(r[f])}\n`).join("")}`).join("\n");
}

const FREE_FORM = ["title", "description", "servings", "preparationTime", "source", "ingredients", "directions"] as const;
const addedAs = (ref: Row, row: Recipe) => FREE_FORM.every((f) => fuzzyMatch(row[f], ref[f])) && row.favorite === ref.favorite;

const APP = "Broccoli";

function addTask(name: string, n: number, description: string): WebTask {
  return def({
    name,
    app: APP,
    description,
    params: (rng) => {
      const targets = randomItems(rng, n);
      const noise = randomItems(rng, 10, (r) => targets.some((t) => t.title !== r.title));
      return { targets: JSON.stringify(targets), noise: JSON.stringify(noise), format: rng.pick(["csv", "text_block"]) };
    },
    goal: (p) => `Add the following recipes into the Broccoli app:\n${asText(json(p.targets), String(p.format))}`,
    setup: (p) => ({ recipes: withIds(json(p.noise)) }),
    check: (s, p) => Number(onlyAdded(withIds(json(p.noise)), s.recipes, json<Row[]>(p.targets), addedAs)),
  });
}

/** The rows laid out (noise first) and the ids of those to delete. */
const deletion = (noise: readonly Row[], targets: readonly Row[]) => {
  const recipes = withIds([...noise, ...targets]);
  return { recipes: JSON.stringify(recipes), delete: recipes.slice(noise.length).map((r) => r.id) };
};
const deletedExactly = (s: { recipes: Recipe[] }, p: P) => Number(onlyRemoved(json<Recipe[]>(p.recipes), s.recipes, p.delete as number[]));

function deleteTask(name: string, n: number, noise: number, description: string): WebTask {
  return def({
    name,
    app: APP,
    description,
    params: (rng) => {
      const rows = randomItems(rng, n + noise, undefined, byTitle);
      return { titles: rows.slice(noise).map((r) => r.title), ...deletion(rows.slice(0, noise), rows.slice(noise)) };
    },
    goal: (p) => `Delete the following recipes from Broccoli app: ${(p.titles as string[]).join(", ")}.`,
    setup: (p) => ({ recipes: json(p.recipes) }),
    check: deletedExactly,
  });
}

/** One of the last two rows (the exact duplicates) is gone, nothing else changed. */
function oneDuplicateRemoved(before: Recipe[], after: Recipe[]): number {
  const [a, b] = before.slice(-2) as [Recipe, Recipe];
  return Number(onlyRemoved(before, after, [a.id]) || onlyRemoved(before, after, [b.id]));
}

const DEDUPLICATE_GOAL = "Delete all but one of any recipes in the Broccoli app that are exact duplicates, ensuring at least one instance of each unique recipe remains";

function duplicatesTask(name: string, description: string, draw: (rng: Rng) => { noise: Row[]; target: Row }): WebTask {
  return def({
    name,
    app: APP,
    description,
    params: (rng) => {
      const { noise, target } = draw(rng);
      return { recipes: JSON.stringify(withIds([...noise, target, target])) };
    },
    goal: () => DEDUPLICATE_GOAL,
    setup: (p) => ({ recipes: json(p.recipes) }),
    check: (s, p) => oneDuplicateRemoved(json(p.recipes), s.recipes),
  });
}

/** Variants of `target` (`alike` says how alike) until `noise` has `size` rows; none equals the target (AndroidWorld's loop). */
function addVariants(rng: Rng, noise: Row[], target: Row, size: number, alike: (r: Row) => boolean): Row[] {
  while (noise.length < size) {
    const v = randomItems(rng, 1, alike)[0]!;
    if (!same(v, target)) noise.push(v);
  }
  return noise;
}

export const RECIPE_TASKS: readonly WebTask[] = [
  addTask("RecipeAddSingleRecipe", 1, "add one recipe given as csv or a text block (10 other recipes present)"),
  addTask("RecipeAddMultipleRecipes", 3, "add three recipes given as csv or text blocks (10 other recipes present)"),
  def({
    name: "RecipeAddMultipleRecipesFromMarkor",
    app: APP,
    description: "add the three recipes of a Markor note (recipes.txt; 10 other recipes present)",
    params: (rng) => {
      const targets = randomItems(rng, 3);
      const noise = randomItems(rng, 10, (r) => targets.some((t) => t.title !== r.title));
      return { targets: JSON.stringify(targets), noise: JSON.stringify(noise), format: rng.pick(["csv", "text_block"]) };
    },
    goal: () => "Add the recipes from recipes.txt in Markor to the Broccoli recipe app.",
    setup: (p) => ({ recipes: withIds(json(p.noise)), notes: [{ name: "recipes.txt", content: asText(json(p.targets), String(p.format)), mtime: Date.UTC(2023, 9, 15, 12) }] }),
    check: (s, p) => Number(onlyAdded(withIds(json(p.noise)), s.recipes, json<Row[]>(p.targets), addedAs)),
  }),
  def({
    name: "RecipeAddMultipleRecipesFromMarkor2",
    app: APP,
    description: "add the recipes of a Markor note that take a given preparation time (3 of 43; the other 40 already present)",
    params: (rng) => {
      const prep = rng.pick(PREP_TIMES);
      const targets = randomItems(rng, 3, (r) => r.preparationTime === prep);
      const noise = randomItems(rng, 40, (r) => r.preparationTime !== prep);
      const format = rng.pick(["csv", "text_block"]);
      return { prep_time: prep, targets: JSON.stringify(targets), noise: JSON.stringify(noise), format, file: asText(rng.shuffle([...targets, ...noise]), format) };
    },
    goal: (p) => `Add the recipes from recipes.txt in Markor that take ${String(p.prep_time)} to prepare into the Broccoli recipe app.`,
    setup: (p) => ({ recipes: withIds(json(p.noise)), notes: [{ name: "recipes.txt", content: String(p.file), mtime: Date.UTC(2023, 9, 15, 12) }] }),
    check: (s, p) => Number(onlyAdded(withIds(json(p.noise)), s.recipes, json<Row[]>(p.targets), addedAs)),
  }),
  def({
    name: "RecipeAddMultipleRecipesFromImage",
    app: APP,
    description: "add the three recipes shown in a picture (recipes.jpg in Simple Gallery Pro; 10 other recipes present)",
    params: (rng) => {
      const targets = randomItems(rng, 3);
      const noise = randomItems(rng, 10, (r) => targets.some((t) => t.title !== r.title));
      return { targets: JSON.stringify(targets), noise: JSON.stringify(noise) };
    },
    goal: () => "Add the recipes from recipes.jpg in Simple Gallery Pro to the Broccoli recipe app.",
    setup: (p) => ({ recipes: withIds(json(p.noise)), files: [{ folder: "DCIM", name: "recipes.jpg", size: 180, image: asText(json(p.targets), "text_block", 60) }] }),
    check: (s, p) => Number(onlyAdded(withIds(json(p.noise)), s.recipes, json<Row[]>(p.targets), addedAs)),
  }),
  deleteTask("RecipeDeleteSingleRecipe", 1, 0, "delete the one recipe"),
  deleteTask("RecipeDeleteSingleWithRecipeWithNoise", 1, 29, "delete one recipe among 29 others"),
  deleteTask("RecipeDeleteMultipleRecipes", 3, 0, "delete three recipes (all there are)"),
  deleteTask("RecipeDeleteMultipleRecipesWithNoise", 3, 29, "delete three recipes among 29 others"),
  def({
    name: "RecipeDeleteMultipleRecipesWithConstraint",
    app: APP,
    description: "delete the recipes whose directions use an ingredient (up to 3 among 29 others; none when no recipe uses it)",
    params: (rng) => {
      const ingredient = rng.pick(COMMON_INGREDIENTS);
      const uses = (r: Row) => r.directions.toLowerCase().includes(ingredient);
      const noise = randomItems(rng, 29, (r) => !uses(r));
      // AndroidWorld asks for 3 and, when it cannot draw them, for fewer: an ingredient no recipe uses gets none.
      const drawable = RECIPES.some(([, d]) => DIRECTIONS_ADDITIONS.some((x) => uses({ directions: `${d} ${x}` } as Row)));
      const targets = drawable ? randomItems(rng, 3, uses) : [];
      return { ingredient, ...deletion(noise, targets) };
    },
    goal: (p) => `Delete the recipes from Broccoli app that use ${String(p.ingredient)} in the directions.`,
    setup: (p) => ({ recipes: json(p.recipes) }),
    check: deletedExactly,
  }),
  duplicatesTask("RecipeDeleteDuplicateRecipes", "delete one of two identical recipes among 5 others", (rng) => {
    const rows = randomItems(rng, 6);
    return { target: rows.pop()!, noise: rows };
  }),
  duplicatesTask("RecipeDeleteDuplicateRecipes2", "delete one of two identical recipes among 6 others and 4 variants of it (same title)", (rng) => {
    const noise = randomItems(rng, 7);
    const target = noise.pop()!;
    return { target, noise: addVariants(rng, noise, target, 10, (r) => r.title === target.title) };
  }),
  duplicatesTask("RecipeDeleteDuplicateRecipes3", "delete one of two identical recipes among 30 others: 3 Avocado Toasts at the top and 6 variants of it (same title and description)", (rng) => {
    const noise = randomItems(rng, 22, (r) => r.title !== "Avocado Toast with Egg");
    const target = noise.pop()!;
    noise.push(...randomItems(rng, 3, (r) => r.title === "Avocado Toast with Egg"));
    return { target, noise: addVariants(rng, noise, target, 30, (r) => r.title === target.title && r.description === target.description) };
  }),
];
