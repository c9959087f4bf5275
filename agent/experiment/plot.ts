/**
 * The results plot: grouped bars drawn as SVG and rendered to PNG by the same
 * Debian Chromium the Android device uses (no plotting library, no fonts to ship).
 */
import { writeFile } from "node:fs/promises";
import { closePage, openPage, shutdownBrowser } from "../../emulator/web-device/browser.js";

export interface BarGroup {
  label: string;
  /** null: not applicable (drawn as "n/a", no bar). */
  values: { name: string; value: number | null }[];
}

const COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1"];

export function barChartSvg(title: string, groups: BarGroup[], width = 900, height = 480): string {
  const names = groups[0]?.values.map((v) => v.name) ?? [];
  const left = 60;
  const bottom = 70;
  const top = 60;
  const plotW = width - left - 20;
  const plotH = height - top - bottom;
  const groupW = plotW / Math.max(1, groups.length);
  const barW = (groupW * 0.7) / Math.max(1, names.length);
  const y = (v: number) => top + plotH * (1 - Math.max(0, Math.min(1, v)));
  const parts: string[] = [];
  parts.push(`<text x="${width / 2}" y="30" text-anchor="middle" font-size="20" font-weight="bold">${escape(title)}</text>`);
  for (let t = 0; t <= 10; t += 2) {
    const v = t / 10;
    parts.push(`<line x1="${left}" x2="${width - 20}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 8}" y="${y(v) + 4}" text-anchor="end" font-size="12">${v.toFixed(1)}</text>`);
  }
  groups.forEach((g, gi) => {
    const x0 = left + gi * groupW + groupW * 0.15;
    g.values.forEach((v, vi) => {
      const x = x0 + vi * barW;
      if (v.value === null) {
        parts.push(`<text x="${x + (barW - 4) / 2}" y="${top + plotH - 4}" text-anchor="middle" font-size="11" fill="#888">n/a</text>`);
        return;
      }
      parts.push(`<rect x="${x}" y="${y(v.value)}" width="${barW - 4}" height="${top + plotH - y(v.value)}" fill="${COLORS[vi % COLORS.length]}"/>`);
      parts.push(`<text x="${x + (barW - 4) / 2}" y="${y(v.value) - 4}" text-anchor="middle" font-size="11">${v.value.toFixed(2)}</text>`);
    });
    parts.push(`<text x="${left + gi * groupW + groupW / 2}" y="${top + plotH + 22}" text-anchor="middle" font-size="${groups.length > 4 ? 11 : 14}">${escape(g.label)}</text>`);
  });
  names.forEach((n, i) => {
    const x = left + i * 230;
    parts.push(`<rect x="${x}" y="${height - 28}" width="14" height="14" fill="${COLORS[i % COLORS.length]}"/>`);
    parts.push(`<text x="${x + 20}" y="${height - 16}" font-size="13">${escape(n)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>${parts.join("")}</svg>`;
}

export async function renderPng(svg: string, file: string): Promise<void> {
  // The picture is as big as the SVG says (charts with many groups are wider).
  const width = Number(/width="(\d+)"/.exec(svg)?.[1] ?? 900);
  const height = Number(/height="(\d+)"/.exec(svg)?.[1] ?? 480);
  const page = await openPage();
  try {
    await page.setViewport({ width, height, deviceScaleFactor: 1 });
    await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
    await writeFile(file, await page.screenshot({ type: "png", clip: { x: 0, y: 0, width, height } }));
  } finally {
    await closePage(page);
    await shutdownBrowser();
  }
}

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export interface LineSeries {
  name: string;
  /** (x, y) points, y in [0, 1]; drawn in x order. */
  points: { x: number; y: number }[];
  /** Palette index (default: the series' own index), so that two views of one run share a colour. */
  color?: number;
  /** Dashed: the second view of a run drawn in the same colour (e.g. sampled beside greedy). */
  dashed?: boolean;
}

/** Lines over a shared x axis (e.g. success over training steps), y from 0 to 1. */
export function lineChartSvg(title: string, xLabel: string, series: LineSeries[], width = 900, height = 480): string {
  const left = 60;
  const right = 20;
  const top = 60;
  const bottom = 90;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const xMax = Math.max(1, ...xs);
  const x = (v: number) => left + (plotW * v) / xMax;
  const y = (v: number) => top + plotH * (1 - Math.max(0, Math.min(1, v)));
  const parts: string[] = [];
  parts.push(`<text x="${width / 2}" y="30" text-anchor="middle" font-size="20" font-weight="bold">${escape(title)}</text>`);
  for (let t = 0; t <= 10; t += 2) {
    const v = t / 10;
    parts.push(`<line x1="${left}" x2="${width - right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 8}" y="${y(v) + 4}" text-anchor="end" font-size="12">${v.toFixed(1)}</text>`);
  }
  for (let t = 0; t <= 4; t++) {
    const v = (xMax * t) / 4;
    parts.push(`<text x="${x(v)}" y="${top + plotH + 18}" text-anchor="middle" font-size="12">${Math.round(v)}</text>`);
  }
  parts.push(`<text x="${left + plotW / 2}" y="${top + plotH + 38}" text-anchor="middle" font-size="13">${escape(xLabel)}</text>`);
  series.forEach((s, i) => {
    const color = LINE_COLORS[(s.color ?? i) % LINE_COLORS.length];
    const dash = s.dashed ? ` stroke-dasharray="6 4"` : "";
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${dash} points="${pts.map((p) => `${x(p.x)},${y(p.y)}`).join(" ")}"/>`);
    for (const p of pts) parts.push(`<circle cx="${x(p.x)}" cy="${y(p.y)}" r="3" fill="${color}"/>`);
    const lx = left + (i % 4) * 210;
    const ly = height - 30 + Math.floor(i / 4) * 16 - 8;
    parts.push(`<line x1="${lx}" x2="${lx + 14}" y1="${ly - 8}" y2="${ly - 8}" stroke="${color}" stroke-width="3"${s.dashed ? ` stroke-dasharray="4 2"` : ""}/>`);
    parts.push(`<text x="${lx + 20}" y="${ly - 4}" font-size="12">${escape(s.name)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>${parts.join("")}</svg>`;
}

const LINE_COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f"];
