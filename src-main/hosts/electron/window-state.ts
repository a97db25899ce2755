import { screen, type BrowserWindow, type Rectangle } from 'electron';
import { readFileSync, writeFileSync } from 'node:fs';

/** Window bounds and maximized state, persisted between runs. */
export interface WindowState {
  bounds: Rectangle;
  maximized: boolean;
}

const DEFAULT_STATE: WindowState = { bounds: { x: 0, y: 0, width: 1400, height: 900 }, maximized: false };

/** The saved state, or a default centred window when none is saved or it is off every screen now. */
export function loadWindowState(file: string): WindowState {
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as WindowState;
    const visible = screen.getAllDisplays().some((display) => intersects(display.workArea, saved.bounds));
    if (visible && saved.bounds.width > 200 && saved.bounds.height > 200) return saved;
  } catch {
    // First run or unreadable file: use the default.
  }
  const area = screen.getPrimaryDisplay().workArea;
  const width = Math.min(DEFAULT_STATE.bounds.width, area.width);
  const height = Math.min(DEFAULT_STATE.bounds.height, area.height);
  return { maximized: false, bounds: { x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width, height } };
}

/** Saves the window's state whenever it is about to close. */
export function keepWindowState(window: BrowserWindow, file: string): void {
  window.on('close', () => {
    const state: WindowState = { bounds: window.getNormalBounds(), maximized: window.isMaximized() };
    try {
      writeFileSync(file, JSON.stringify(state));
    } catch {
      // Losing the window position is not worth an error dialog.
    }
  });
}

function intersects(a: Rectangle, b: Rectangle): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
