/**
 * The environment registry: ids mapped to lazily imported definitions.
 *
 * Registration is data (id → loader), so listing or creating one environment
 * never imports the code of the others (Android pulls in puppeteer; Sokoban
 * should not pay for that).
 */
import { EnvError, type EnvDefinition } from "./contract.js";

export type DefinitionLoader = () => Promise<EnvDefinition>;

export class EnvRegistry {
  private readonly loaders = new Map<string, DefinitionLoader>();
  private readonly loaded = new Map<string, EnvDefinition>();

  /** Registers an id. Ids are lower-case, e.g. "sokoban", "android-web". */
  register(id: string, loader: DefinitionLoader): this {
    if (!/^[a-z][a-z0-9-]*$/.test(id)) throw new Error(`invalid env id "${id}"`);
    if (this.loaders.has(id)) throw new Error(`env id "${id}" is already registered`);
    this.loaders.set(id, loader);
    return this;
  }

  ids(): string[] {
    return [...this.loaders.keys()].sort();
  }

  has(id: string): boolean {
    return this.loaders.has(id);
  }

  /** The definition for `id`, importing it on first use. */
  async get(id: string): Promise<EnvDefinition> {
    const hit = this.loaded.get(id);
    if (hit) return hit;
    const loader = this.loaders.get(id);
    if (!loader) {
      throw new EnvError("ENV_NOT_FOUND", `unknown env id "${id}"; registered: ${this.ids().join(", ") || "none"}`);
    }
    const definition = await loader();
    if (definition.id !== id) throw new Error(`loader for "${id}" returned definition "${definition.id}"`);
    this.loaded.set(id, definition);
    return definition;
  }

  /** The definition if it was already loaded (hot paths must not await). */
  peek(id: string): EnvDefinition | undefined {
    return this.loaded.get(id);
  }

  /** Loads every registered definition. */
  async loadAll(): Promise<EnvDefinition[]> {
    return Promise.all(this.ids().map((id) => this.get(id)));
  }
}
