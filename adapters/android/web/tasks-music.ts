/**
 * android-web Retro Music and VLC tasks (AndroidWorld: single/retro_music.py,
 * single/vlc.py). VLC holds the asked videos and as many noise videos (its
 * generate_file_name names, 20–180 s each); its checks are verify_playlist's, half a
 * point per playlist for the two-playlist task. Retro Music: The device
 * holds 15 of its songs (titles from its list, a given name as artist, 3–5 minutes
 * each); a task names 2–5 of them (9–11 for the duration task, whose songs last 47.5
 * minutes together, so an answer exists). Checks as its: verify_playlist (the
 * playlist whose name fuzzy-matches holds exactly the songs, in order), the playing
 * queue equal to the songs, the playlist exported as Download/NAME.m3u (half the
 * score each), and a playlist of 45–50 minutes with no song in any other playlist.
 */
import type { Rng } from "../../kit/rng.js";
import type { DeviceState, MediaLibrary, Song } from "../../../emulator/web-device/state.js";
import { fuzzyMatch } from "../fuzzy.js";
import { modifiedFileName } from "./tasks-media.js";
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
function playlistIs(s: DeviceState, name: string, files: readonly string[], library: MediaLibrary = s.music): boolean {
  const named = library.playlists.filter((p) => fuzzyMatch(p.name, name));
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

/** AndroidWorld's VLC playlist names: a theme and a qualifier. */
const VLC_THEMES = ["Adventure", "Comedy", "Daily Routines", "Documentary Insights", "Epic Moments", "Family Gatherings", "Fitness Challenges", "Gaming Sessions", "How To", "Mystery and Thrills", "Recipe Collection", "Road Trips", "Summer Highlights", "Tech Reviews", "Travel Guide", "Ultimate Fails"];
const VLC_QUALIFIERS = ["Essentials", "Favorites", "Marathon", "Playlist", "Series", "Specials", "Ultimate Collection"];

/** AndroidWorld's VLC generate_file_name, e.g. "clip_12_HD_final.mp4". */
const videoName = (rng: Rng) =>
  modifiedFileName(rng, `${rng.pick(["clip", "footage", "scene", "recording", "highlight", "moment", "episode"])}_${randint(rng, 1, 99)}_${rng.pick(["", "HD", "4K", "raw", "export"])}.mp4`);

/** One VLC playlist's parameters: 2–5 files and as many noise files, all names distinct from `taken` (ours: AndroidWorld may repeat one). */
function vlcPlaylist(rng: Rng, taken: string[]) {
  const name = `${rng.pick(VLC_THEMES)} ${rng.pick(VLC_QUALIFIERS)}`;
  const n = randint(rng, 2, 5);
  const names: string[] = [];
  while (names.length < 2 * n) {
    const v = videoName(rng);
    if (!taken.includes(v) && !names.includes(v)) names.push(v);
  }
  taken.push(...names);
  return { name, files: names.slice(0, n), noise: names.slice(n) };
}
const video = (rng: Rng, title: string): Song => ({ title, artist: "", durationMs: randint(rng, 20, 180) * 1000 });
const vlcLibrary = (rng: Rng, names: string[]) => JSON.stringify({ songs: rng.shuffle(names.map((t) => video(rng, t))), playlists: [], queue: [] });
const vlcGoal = (name: string, files: readonly string[]) => `Create a playlist titled "${name}" with the following files in VLC (located in Internal Memory/VLCVideos), in order: ${files.join(", ")}`;

export const VLC_TASKS: readonly WebTask[] = [
  def({
    name: "VlcCreatePlaylist",
    app: "VLC",
    description: "create a playlist of 2–5 given videos, in order",
    params: (rng) => {
      const pl = vlcPlaylist(rng, []);
      return { playlist_name: pl.name, files: pl.files, vlc: vlcLibrary(rng, [...pl.files, ...pl.noise]) };
    },
    goal: (p) => vlcGoal(String(p.playlist_name), p.files as string[]),
    setup: (p) => ({ vlc: json(p.vlc) }),
    check: (s, p) => Number(playlistIs(s, String(p.playlist_name), p.files as string[], s.vlc)),
  }),
  def({
    name: "VlcCreateTwoPlaylists",
    app: "VLC",
    description: "create two playlists of 2–5 given videos each, in order (half a point each)",
    params: (rng) => {
      const taken: string[] = [];
      const a = vlcPlaylist(rng, taken), b = vlcPlaylist(rng, taken);
      return { playlist_name1: a.name, files1: a.files, playlist_name2: b.name, files2: b.files, vlc: vlcLibrary(rng, taken) };
    },
    goal: (p) => `${vlcGoal(String(p.playlist_name1), p.files1 as string[])}. And then, create a playlist titled "${String(p.playlist_name2)}" with the following files in VLC, in order: ${(p.files2 as string[]).join(", ")}.`,
    setup: (p) => ({ vlc: json(p.vlc) }),
    check: (s, p) => (Number(playlistIs(s, String(p.playlist_name1), p.files1 as string[], s.vlc)) + Number(playlistIs(s, String(p.playlist_name2), p.files2 as string[], s.vlc))) / 2,
  }),
];
