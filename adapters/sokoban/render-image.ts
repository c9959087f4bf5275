/**
 * RGB image observations encoded as PNG. "tiny" is one pixel per cell in gym-sokoban's
 * tiny-render palette (what pixel-based agents trained there expect); "sprite" draws
 * 16x16 tiles procedurally so no sprite assets ship with the project.
 */
import { PNG } from "pngjs";
import type { ImageObservation } from "../contract.js";
import { BOX, STATIC_MASK, TARGET, WALL, type Room } from "./room.js";

export type ImageMode = "tiny" | "sprite";

export const SPRITE_SIZE = 16;

type Rgb = readonly [number, number, number];

/** Tile kinds, shared by both modes. */
const enumTile = { wall: 0, floor: 1, target: 2, boxOnTarget: 3, box: 4, player: 5, playerOnTarget: 6 } as const;

const TINY_PALETTE: readonly Rgb[] = [
  [0, 0, 0],
  [243, 248, 238],
  [254, 126, 125],
  [254, 95, 56],
  [142, 121, 56],
  [160, 212, 56],
  [219, 212, 56],
];

function tileOf(cell: number, isPlayer: boolean): number {
  const onTarget = (cell & STATIC_MASK) === TARGET;
  if (isPlayer) return onTarget ? enumTile.playerOnTarget : enumTile.player;
  if (cell & BOX) return onTarget ? enumTile.boxOnTarget : enumTile.box;
  if ((cell & STATIC_MASK) === WALL) return enumTile.wall;
  return onTarget ? enumTile.target : enumTile.floor;
}

/** RGBA pixels of one tile, drawn once per process. */
let spriteCache: Uint8Array[] | undefined;
function sprites(): Uint8Array[] {
  if (!spriteCache) spriteCache = Object.values(enumTile).map(drawTile);
  return spriteCache;
}

function drawTile(tile: number): Uint8Array {
  const S = SPRITE_SIZE;
  const px = new Uint8Array(S * S * 4);
  const set = (x: number, y: number, c: Rgb) => {
    const o = (y * S + x) * 4;
    px[o] = c[0];
    px[o + 1] = c[1];
    px[o + 2] = c[2];
    px[o + 3] = 255;
  };
  const floor: Rgb = [236, 226, 204];
  const floorEdge: Rgb = [222, 210, 186];
  const red: Rgb = [214, 64, 52];
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      if (tile === enumTile.wall) {
        // Bricks: mortar every 4 rows, vertical joints offset on alternate courses.
        const course = Math.floor(y / 4);
        const mortar = y % 4 === 3 || (x + (course % 2) * 4) % 8 === 7;
        set(x, y, mortar ? [70, 64, 60] : [128, 62, 44]);
        continue;
      }
      set(x, y, x === 0 || y === 0 ? floorEdge : floor);
      const onTarget = tile === enumTile.target || tile === enumTile.boxOnTarget || tile === enumTile.playerOnTarget;
      const dx = x - 7.5;
      const dy = y - 7.5;
      const r = Math.sqrt(dx * dx + dy * dy);
      if (onTarget && r >= 4 && r <= 6) set(x, y, red);
      if (tile === enumTile.box || tile === enumTile.boxOnTarget) {
        if (x >= 2 && x <= 13 && y >= 2 && y <= 13) {
          const border = x === 2 || x === 13 || y === 2 || y === 13;
          const cross = x - 2 === y - 2 || x - 2 === 13 - y;
          // A box on a target turns red-rimmed and bright so "done" boxes stand out.
          const onGoal = tile === enumTile.boxOnTarget;
          const body: Rgb = onGoal ? [240, 170, 60] : [176, 124, 60];
          set(x, y, border ? (onGoal ? red : [96, 62, 26]) : cross ? [96, 62, 26] : body);
        }
      }
      if (tile === enumTile.player || tile === enumTile.playerOnTarget) {
        const head = Math.hypot(x - 7.5, y - 4) <= 2.6;
        const body = y >= 7 && y <= 13 && Math.abs(x - 7.5) <= (y - 5) * 0.6;
        if (head) set(x, y, [240, 196, 150]);
        else if (body) set(x, y, [46, 120, 200]);
      }
    }
  }
  return px;
}

/** Renders a room into an RGB PNG. */
export function renderImage(room: Pick<Room, "width" | "height" | "grid" | "player">, mode: ImageMode): ImageObservation {
  const { width, height, grid, player } = room;
  const scale = mode === "tiny" ? 1 : SPRITE_SIZE;
  const png = new PNG({ width: width * scale, height: height * scale });
  const out = png.data;
  const rowBytes = width * scale * 4;
  const tiles = mode === "sprite" ? sprites() : undefined;
  for (let cy = 0; cy < height; cy++) {
    for (let cx = 0; cx < width; cx++) {
      const i = cy * width + cx;
      const tile = tileOf(grid[i]!, i === player);
      if (!tiles) {
        const c = TINY_PALETTE[tile]!;
        const o = i * 4;
        out[o] = c[0];
        out[o + 1] = c[1];
        out[o + 2] = c[2];
        out[o + 3] = 255;
        continue;
      }
      const t = tiles[tile]!;
      for (let y = 0; y < scale; y++) {
        const o = (cy * scale + y) * rowBytes + cx * scale * 4;
        out.set(t.subarray(y * scale * 4, (y + 1) * scale * 4), o);
      }
    }
  }
  const data = PNG.sync.write(png, { colorType: 2 });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), mimeType: "image/png", width: width * scale, height: height * scale };
}
