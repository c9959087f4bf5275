/**
 * App names an agent may use in `open_app`, mapped to Android packages (the apps
 * AndroidWorld installs, plus the stock Google apps of its Pixel image). Names are
 * matched case-insensitively after trimming; several aliases share one package.
 * `activity` is the launcher activity where it is stable across versions; the plan
 * uses `mobile: activateApp` (which resolves the launcher activity itself) and keeps
 * `activity` for `mobile: startActivity` when a caller wants it.
 */
export interface AppEntry {
  /** Canonical display name. */
  name: string;
  aliases: readonly string[];
  package: string;
  activity?: string;
}

export const ANDROID_APPS: readonly AppEntry[] = [
  { name: "Settings", aliases: ["settings", "system settings"], package: "com.android.settings", activity: ".Settings" },
  { name: "Chrome", aliases: ["chrome", "google chrome"], package: "com.android.chrome" },
  { name: "Camera", aliases: ["camera"], package: "com.android.camera2" },
  { name: "Clock", aliases: ["clock"], package: "com.google.android.deskclock" },
  { name: "Contacts", aliases: ["contacts"], package: "com.google.android.contacts" },
  { name: "Files", aliases: ["files", "file manager"], package: "com.google.android.documentsui" },
  { name: "Phone", aliases: ["phone", "dialer"], package: "com.google.android.dialer" },
  { name: "Messages", aliases: ["messages", "google messages"], package: "com.google.android.apps.messaging" },
  { name: "Markor", aliases: ["markor"], package: "net.gsantner.markor" },
  { name: "Clipper", aliases: ["clipper"], package: "ca.zgrs.clipper" },
  { name: "Audio Recorder", aliases: ["audio recorder"], package: "com.dimowner.audiorecorder" },
  { name: "Simple SMS Messenger", aliases: ["simple sms messenger", "simple sms", "sms messenger"], package: "com.simplemobiletools.smsmessenger" },
  { name: "Simple Calendar Pro", aliases: ["simple calendar pro", "simple calendar", "calendar"], package: "com.simplemobiletools.calendar.pro" },
  { name: "Simple Gallery Pro", aliases: ["simple gallery pro", "simple gallery", "gallery"], package: "com.simplemobiletools.gallery.pro" },
  { name: "Simple Draw Pro", aliases: ["simple draw pro", "simple draw"], package: "com.simplemobiletools.draw.pro" },
  { name: "Pro Expense", aliases: ["pro expense", "pro expense app", "expense"], package: "com.arduia.expense" },
  { name: "Broccoli", aliases: ["broccoli", "broccoli app", "broccoli recipe app", "recipe app"], package: "com.flauschcode.broccoli" },
  { name: "OsmAnd", aliases: ["osmand", "osmand maps"], package: "net.osmand" },
  { name: "Tasks", aliases: ["tasks", "tasks app"], package: "org.tasks" },
  { name: "OpenTracks", aliases: ["open tracks sports tracker", "activity tracker", "open tracks", "opentracks", "sports tracker"], package: "de.dennisguse.opentracks" },
  { name: "Joplin", aliases: ["joplin", "joplin app", "notes"], package: "net.cozic.joplin" },
  { name: "VLC", aliases: ["vlc", "vlc app", "vlc player"], package: "org.videolan.vlc" },
  { name: "Retro Music", aliases: ["retro music", "retro", "retro player"], package: "code.name.monkey.retromusic" },
  { name: "YouTube", aliases: ["youtube", "yt"], package: "com.google.android.youtube" },
  { name: "Google Maps", aliases: ["google maps", "maps", "gmaps"], package: "com.google.android.apps.maps" },
  { name: "Gmail", aliases: ["gmail", "google mail"], package: "com.google.android.gm" },
  { name: "Google Photos", aliases: ["google photos", "photos"], package: "com.google.android.apps.photos" },
  { name: "Play Store", aliases: ["play store", "google play"], package: "com.android.vending" },
];

const BY_ALIAS = new Map<string, AppEntry>();
for (const app of ANDROID_APPS) for (const alias of [app.name.toLowerCase(), ...app.aliases]) BY_ALIAS.set(alias, app);

/** The app for a name an agent wrote ("Simple SMS Messenger", "  markor "), or undefined. */
export function findApp(name: string): AppEntry | undefined {
  return BY_ALIAS.get(name.trim().toLowerCase().replace(/\s+/g, " "));
}

/** The app that owns `pkg`, if it is one of ours. */
export function appByPackage(pkg: string): AppEntry | undefined {
  return ANDROID_APPS.find((a) => a.package === pkg);
}
