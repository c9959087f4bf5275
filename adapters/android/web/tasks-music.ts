/**
 * android-web Retro Music tasks (AndroidWorld: single/retro_music.py). The device
 * holds 15 of its songs (titles from its list, a given name as artist, 3–5 minutes
 * each); a task names 2–5 of them (9–11 for the duration task, whose songs last 47.5
 * minutes together, so an answer exists). Checks as its: verify_playlist (the
 * playlist whose name fuzzy-matches holds exactly the songs, in order), the playing
 * queue equal to the songs, the playlist exported as Download/NAME.m3u (half the
 * score each), and a playlist of 45–50 minutes with no song in any other playlist.
 */
import type { Rng } from "../../kit/rng.js";
import type { DeviceState, Song } from "../../../emulator/web-device/state.js";
import { fuzzyMatch } from "../fuzzy.js";
import { def, FIRST, json, randint, sample, type WebTask } from "./task-kit.js";

const SONGS = [
  "My Heart is Yours", "Endless Summer", "Whispering Wind", "Lost in the Echo", "Chasing Shadows", "Night Drive", "Echoes of Silence", "Bright Lights", "Moments",
  "Forever Young", "Rising Sun", "Silent Dreams", "City of Stars", "Moonlight Sonata", "Through the Storm", "Return to Paradise", "Voices in the Hall", "Under the Sky",
  "Dreamer's Awake", "Serenity Now", "Falling Feathers", "Orbiting Stars", "Reflections", "Beyond the Horizon", "Golden Days", "Twilight Calling", "Heartbeat Away",
  "Mystic Journey", "Hidden Paths", "Distant Memories", "Path to Zenith", "Eternal Flame", "Shadows of Time", "Whispers of the Past", "Waves of Change",
];
/** Some of AndroidWorld's playlist themes. */
const THEMES = ["Chill Beats", "Morning Vibes", "Workout Energy", "Study Sessions", "Golden Oldies", "Indie Gems", "Rock Anthems", "Jazz Classics", "Party Mix", "Tranquil Tunes", "Disco Nights", "Rainy Day Relax"];
const MINUTE = 60_000;

const playlistName = (rng: Rng) => `${rng.pick(THEMES)} ${randint(rng, 1, 999)}`;
const song = (rng: Rng, title: string, durationMs = randint(rng, 3 * MINUTE, 5 * MINUTE)): Song => ({ title, artist: rng.pick(FIRST), durationMs });

/** AndroidWorld's _generate_list_with_sum: `m` non-negative integers summing to `n`. */
function listWithSum(rng: Rng, n: number, m: number): number[] {
  const cuts = [0, ...Array.from({ length: m - 1 }, () => randint(rng, 0, n)).sort((a, b) => a - b), n];
  return cuts.slice(1).map((c, i) => c - cuts[i]!);
}

/** verify_playlist: the rows of the playlist named like `name` are exactly `files`, in order. */
function playlistIs(s: DeviceState, name: string, files: readonly string[]): boolean {
  const named = s.music.playlists.filter((p) => fuzzyMatch(p.name, name));
  const rows = named.flatMap((p) => p.songs.map((title, i) => ({ title, i })));
  return rows.length === files.length && files.every((f, i) => rows.some((r) => r.title === f && r.i === i));
}

function draw(rng: Rng, lo: number, hi: number) {
  const titles = sample(rng, SONGS, 15);
  const n = randint(rng, lo, hi);
  return { playlist_name: playlistName(rng), files: titles.slice(0, n), noise: titles.slice(n) };
}

const APP = "Retro Music";

function playlistTask(name: string, description: string, goal: (p: { playlist_name: string; files: string[] }) => string, check: (s: DeviceState, name: string, files: string[]) => number, lo = 2, hi = 5): WebTask {
  return def({
    name,
    app: APP,
    description,
    params: (rng) => {
      const { playlist_name, files, noise } = draw(rng, lo, hi);
      return { playlist_name, files, songs: JSON.stringify(rng.shuffle([...files, ...noise].map((t) => song(rng, t)))) };
    },
    goal: (p) => goal({ playlist_name: String(p.playlist_name), files: p.files as string[] }),
    setup: (p) => ({ music: { songs: json(p.songs), playlists: [], queue: [] }, files: [] }),
    check: (s, p) => check(s, String(p.playlist_name), p.files as string[]),
  });
}

const inOrder = (files: readonly string[]) => files.join(", ");

export const MUSIC_TASKS: readonly WebTask[] = [
  playlistTask(
    "RetroCreatePlaylist",
    "create a playlist of 2–5 given songs, in order",
    (p) => `Create a playlist in Retro Music titled "${p.playlist_name}" with the following songs, in order: ${inOrder(p.files)}`,
    (s, name, files) => Number(playlistIs(s, name, files)),
  ),
  playlistTask(
    "RetroPlayingQueue",
    "put 2–5 given songs, in order, in the playing queue",
    (p) => `Add the following songs, in order, ${inOrder(p.files)} to my playing queue in Retro music.`,
    (s, _name, files) => Number(JSON.stringify(s.music.queue) === JSON.stringify(files)),
  ),
  playlistTask(
    "RetroSavePlaylist",
    "create a playlist of 2–5 given songs and export it to Download",
    (p) => `Create a playlist in Retro Music titled "${p.playlist_name}" with the following songs, in order: ${inOrder(p.files)}. Then export the playlist to the Downloads directory on the device.`,
    (s, name, files) => (Number(playlistIs(s, name, files)) + Number(s.files.some((f) => f.folder === "Download" && f.name === `${name}.m3u`))) / 2,
  ),
  def({
    name: "RetroPlaylistDuration",
    app: APP,
    description: "create a playlist of 45–50 minutes from 9–11 songs that last 47.5 together",
    params: (rng) => {
      const { playlist_name, files, noise } = draw(rng, 9, 11);
      const durations = listWithSum(rng, 47.5 * MINUTE, files.length);
      const songs = [...files.map((t, i) => song(rng, t, durations[i])), ...noise.map((t) => song(rng, t))];
      return { playlist_name, files, songs: JSON.stringify(rng.shuffle(songs)) };
    },
    goal: (p) => `Create a playlist in Retro Music titled "${String(p.playlist_name)}" with a duration between 45 and 50 minutes using the provided songs.`,
    setup: (p) => ({ music: { songs: json(p.songs), playlists: [], queue: [] } }),
    check: (s, p) => {
      let total = 0;
      for (const pl of s.music.playlists) {
        for (const title of pl.songs) {
          if (pl.name !== p.playlist_name) return 0;
          total += s.music.songs.find((x) => x.title === title)?.durationMs ?? 0;
        }
      }
      return Number(total >= 45 * MINUTE && total <= 50 * MINUTE);
    },
  }),
];
