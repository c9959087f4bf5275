/**
 * android-web Joplin questions (AndroidWorld: the Notes* tasks of
 * information_retrieval/proto/tasks.textproto). The note a question is about is
 * drawn from the task's parameter lists; 5–10 noise notes (our number) are drawn from
 * the same lists but never meet the question's exclusion condition (a title that
 * contains the asked title, a to-do in the asked notebook), so the expected answer
 * is the relevant note's. Answers compare as AndroidWorld's STRING_MATCH (case- and
 * order-insensitive lists) or NUMBER_MATCH (the number, exactly).
 */
import type { Rng } from "../../kit/rng.js";
import type { JoplinNote } from "../../../emulator/web-device/state.js";
import { numberMatch } from "../task.js";
import { rowQuestion, type RowQuestion, sample, type WebTask } from "./task-kit.js";

type Note = Omit<JoplinNote, "id">;

const RECIPE_TITLES = ["Pancake Recipe", "Spaghetti Carbonara", "Chocolate Cake", "Chicken Alfredo", "Vegetable Stir-fry", "Beef Stew", "Lasagna", "Salmon Salad", "Tacos", "Fruit Smoothie"];
const QUANTITIES = ["1 cup", "2 cups", "1/2 cup", "3/4 cup", "1/4 cup", "1 tablespoon", "2 tablespoons", "1 teaspoon", "2 teaspoons", "3 teaspoons"];
const INGREDIENTS = ["almond flour", "coconut sugar", "chia seeds", "tahini", "matcha powder", "acai berries", "goji berries", "spirulina", "maca powder", "hemp seeds", "arrowroot powder", "quinoa flakes", "buckwheat groats", "millet"];
/** Four of AndroidWorld's twelve recipe bodies; {q} {i} is the asked ingredient's line. */
const RECIPE_BODIES = [
  "Ingredients:\n- 1 cup all-purpose flour\n- 1/2 cup granulated sugar\n- {q} {i}\n- 1 teaspoon baking powder\n- 2 tablespoons unsalted butter\n- 1/4 teaspoon salt\n\nInstructions:\n1. Preheat oven to 350°F (175°C).\n2. In a mixing bowl, combine all-purpose flour, granulated sugar, and baking powder.\n3. Add unsalted butter and salt, mixing until well combined.\n4. Grease a baking dish and pour the mixture into it.\n5. Bake in preheated oven for 25-30 minutes, or until golden brown.\n6. Let cool for a few minutes before serving.\n",
  "Ingredients:\n- {q} {i}\n- 2 cups all-purpose flour\n- 1/2 cup granulated sugar\n- 1 tablespoon baking powder\n- 1/2 teaspoon salt\n- 1 cup milk\n\nInstructions:\n1. Preheat oven to 400°F (200°C).\n2. In a mixing bowl, combine all-purpose flour, granulated sugar, baking powder, and salt.\n3. Stir in milk until just combined.\n4. Drop dough by spoonfuls onto a greased baking sheet.\n5. Bake for 15-18 minutes, or until golden brown.\n6. Serve warm with butter or jam.\n",
  "Ingredients:\n- 1 cup cooked chickpeas\n- 1/2 cup tahini\n- 1/4 cup lemon juice\n- {q} {i}\n- 2 cloves garlic\n- 1/4 teaspoon cumin\n\nInstructions:\n1. In a food processor, combine cooked chickpeas, tahini, lemon juice, garlic, and cumin.\n2. Process until smooth and creamy.\n3. Transfer hummus to a serving bowl.\n4. Drizzle with olive oil and sprinkle with paprika before serving.\n",
  "Ingredients:\n- 2 cups cooked quinoa\n- 1/2 cup black beans\n- {q} {i}\n- 1/4 cup corn kernels\n- 1/4 cup diced tomatoes\n- 1/4 cup chopped cilantro\n\nInstructions:\n1. In a large bowl, combine cooked quinoa, black beans, corn kernels, diced tomatoes, and chopped cilantro.\n2. Toss until well mixed.\n3. Serve as a side dish or use as a filling for burritos or tacos.\n",
];
const MEETING_TITLES = [
  "Team Weekly Sync", "Client Quarterly Review", "Project Kickoff Meeting", "Budget Planning Session", "Sales Strategy Discussion", "Product Roadmap Alignment", "Marketing Campaign Planning",
  "Development Sprint Review", "Customer Feedback Session", "Executive Board Meeting", "Financial Performance Analysis", "Product Launch Preparation", "Training Workshop for New Hires",
  "Vendor Negotiation Meeting", "Strategic Partnership Discussion", "Departmental Alignment Meeting", "Quality Assurance Review", "Project Status Update", "Employee Performance Evaluation", "Company All-Hands Meeting",
];
const ATTENDEES = Array.from({ length: 20 }, (_, i) => String(5 * (i + 1)));
/** Six of AndroidWorld's nineteen meeting bodies; {n} is the attendee count. */
const MEETING_BODIES = [
  "Meeting Notes:\n- Discussed project milestones\n- Assigned action items to team members\n- Reviewed budget allocation\n- Decided on next meeting date\n- Attended by {n} participants\n",
  "Meeting Minutes:\n- Presented sales performance metrics\n- Brainstormed marketing strategies\n- Addressed client concerns\n- {n} attendees were present\n",
  "Meeting Recap:\n- Analyzed customer feedback\n- Proposed product feature enhancements\n- Scheduled follow-up meetings\n- {n} individuals attended\n",
  "Meeting Summary:\n- Reviewed quarterly goals\n- Evaluated team performance\n- Identified areas for improvement\n- {n} people were present\n",
  "Meeting Agenda:\n- Review project progress\n- Discuss upcoming deadlines\n- Assign tasks\n- {n} participants were present\n",
  "Meeting Outcome:\n- Agreed upon next steps\n- Set goals for the upcoming week\n- Assigned responsibilities\n- {n} individuals attended\n",
];
const FOLDERS = ["Personal", "Work", "School", "Home", "Projects", "Ideas", "Recipes", "Finance", "Health", "Travel"];
const TODO_TITLES = ["Grocery List", "Meeting Agenda", "Project Proposal", "Daily Journal", "To-Do List", "Research Notes", "Travel Itinerary", "Recipe Collection", "Budget Spreadsheet", "Training Manual"];
const TODO_BODIES = [
  "Buy milk, eggs, bread, and cereal from the grocery store.", "Meeting with client at 2 PM to discuss project requirements.", "Call mom to wish her a happy birthday.",
  "Finish presentation slides for the team meeting tomorrow.", "Pick up dry cleaning from the tailor on Main Street.", "Review chapter 5 for upcoming history exam.",
  "Book flight tickets for vacation next month.", "Research new workout routines for fitness goals.", "Schedule dentist appointment for next week.", "Write thank you cards for colleagues who helped with the project.",
];
const COUNT_TITLES = ["Grocery List", "Meeting Agenda", "Personal Goals", "Work Tasks", "Home Improvement", "Study Notes", "Recipe Ideas", "Financial Plan", "Health Routine", "Travel Itinerary"];
const COUNT_BODIES = [
  "Buy milk, eggs, bread, and cereal from the grocery store.", "Discuss project updates, assign tasks, and review deadlines.", "Exercise 3 times a week, read 1 book per month, and save $500.",
  "Complete quarterly report, schedule team meeting, and follow up with clients.", "Paint the living room, fix leaky faucet, and organize closet.",
  "Review chapters 1-5 for upcoming exam, create flashcards, and practice problems.", "Try new pasta recipe with homemade sauce and garlic bread.",
  "Create monthly budget, track expenses, and set savings goals.", "Go for a 30-minute run, do yoga for flexibility, and meditate for relaxation.", "Book flights, reserve accommodations, and plan sightseeing activities.",
];

const recipeNote = (rng: Rng, title: string, q: string, i: string): Note => ({ folder: "Recipes", title, body: rng.pick(RECIPE_BODIES).replace("{q}", q).replace("{i}", i), isTodo: false, done: false });
const meetingNote = (rng: Rng, title: string, n: string): Note => ({ folder: "Meeting Notes", title, body: rng.pick(MEETING_BODIES).replace("{n}", n), isTodo: false, done: false });
const todoNote = (rng: Rng): Note => ({ folder: rng.pick(FOLDERS), title: rng.pick(TODO_TITLES), body: rng.pick(TODO_BODIES), isTodo: rng.int(2) === 0, done: false });

/** Any note the lists can make: a recipe, a meeting or a plain note or to-do. */
function anyNote(rng: Rng): Note {
  const k = rng.int(3);
  if (k === 0) return recipeNote(rng, rng.pick(RECIPE_TITLES), rng.pick(QUANTITIES), rng.pick(INGREDIENTS));
  if (k === 1) return meetingNote(rng, rng.pick(MEETING_TITLES), rng.pick(ATTENDEES));
  return todoNote(rng);
}

function question(name: string, description: string, template: (v: Record<string, string>) => string, draw: (rng: Rng) => RowQuestion<Note>, compare?: (given: string | undefined, expected: string) => boolean): WebTask {
  return rowQuestion({ name, app: "Joplin", description, table: "joplin", firstId: 500, template, draw, noiseRow: anyNote, ...(compare ? { compare } : {}) });
}

export const JOPLIN_TASKS: readonly WebTask[] = [
  question(
    "NotesRecipeIngredientCount",
    "question: an ingredient's quantity in a recipe note",
    (v) => `What quantity of ${v.ingredient} do I need for the recipe '${v.title}' in the Joplin app? Express your answer in the format <amount> <unit> where both the amount and unit exactly match the format in the recipe.`,
    (rng) => {
      const title = rng.pick(RECIPE_TITLES), q = rng.pick(QUANTITIES), i = rng.pick(INGREDIENTS);
      return { vars: { title, ingredient: i }, rows: [recipeNote(rng, title, q, i)], excluded: (n) => n.title.includes(title), answer: q };
    },
  ),
  question(
    "NotesMeetingAttendeeCount",
    "question: how many attended a meeting (its note)",
    (v) => `How many attendees were present in the meeting titled '${v.title}' in the Joplin app? Express your answer as just a single number.`,
    (rng) => {
      const title = rng.pick(MEETING_TITLES), n = rng.pick(ATTENDEES);
      return { vars: { title }, rows: [meetingNote(rng, title, n)], excluded: (x) => x.title.includes(title), answer: n };
    },
    numberMatch,
  ),
  question(
    "NotesIsTodo",
    "question: whether a note is a to-do",
    (v) => `Is the note titled '${v.title}' in the Joplin app marked as a todo item? Respond with either 'True' if it is a todo or 'False' if not.`,
    (rng) => {
      const title = rng.pick(TODO_TITLES), isTodo = rng.int(2) === 0;
      return { vars: { title }, rows: [{ folder: rng.pick(FOLDERS), title, body: rng.pick(TODO_BODIES), isTodo, done: false }], excluded: (n) => n.title === title, answer: isTodo ? "True" : "False" };
    },
  ),
  question(
    "NotesTodoItemCount",
    "question: how many to-dos a notebook holds",
    (v) => `How many to-dos do I have in the '${v.folder}' folder in the Joplin app? Express your answer as just a single number.`,
    (rng) => {
      const folder = rng.pick(FOLDERS);
      const titles = sample(rng, COUNT_TITLES, 3), bodies = sample(rng, COUNT_BODIES, 3);
      const notes = titles.map((title, k) => ({ folder, title, body: bodies[k]!, isTodo: true, done: false }));
      return { vars: { folder }, rows: notes, excluded: (n) => n.isTodo && n.folder === folder, answer: String(notes.length) };
    },
    numberMatch,
  ),
];
