/** A file name as it may appear in an error message: no control characters, not overly long. */
export function displayName(fileName: string | undefined): string {
  const clean = (fileName ?? '').replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
  if (clean === '') return 'The file';
  return clean.length > 120 ? `${clean.slice(0, 100)}…${clean.slice(-19)}` : clean;
}

/** 12345678 → "11.8 MB" (binary units, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 100 || Number.isInteger(value) ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}
