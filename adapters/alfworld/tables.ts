/** Shapes of the scene tables the generator reads (data/scene-tables.ts, derived by scripts/alfworld). */

export type RoomType = "Kitchen" | "LivingRoom" | "Bedroom" | "Bathroom" | string;

export interface FloorPlanTable {
  room: RoomType;
  /** Fixed receptacle type → number of instances. */
  receptacles: Record<string, number>;
  /** Placeable object types present in the floor plan. */
  objects: string[];
  /** Toggleable lamp types present. */
  lamps: string[];
  /** Scenery types present (not pickupable; stand in a receptacle). */
  scenery: string[];
  /** Receptacles that share one location (same interaction pose), by display name. */
  shared: string[][];
}

export interface SceneTables {
  version: number;
  /** Receptacle types that open and close. */
  openable: string[];
  /** Receptacle type → object types it can hold. */
  accepts: Record<string, string[]>;
  /** Lamp type → receptacle types it may stand on. */
  lampHosts: Record<string, string[]>;
  /** Scenery type → receptacle types it may stand on. */
  sceneryHosts: Record<string, string[]>;
  cleanable: string[];
  heatable: string[];
  coolable: string[];
  sliceable: string[];
  toggleable: string[];
  /** Task type → room types it occurs in. */
  goalRooms: Record<string, string[]>;
  trainFloorPlans: number[];
  testFloorPlans: number[];
  floorPlans: Record<string, FloorPlanTable>;
}
