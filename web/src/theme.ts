import { createTheme, type CSSVariablesResolver } from '@mantine/core';

/**
 * Mantine's defaults with shades dark enough for WCAG 2.1 AA text contrast (4.5:1): filled buttons
 * use shade 8, and "dimmed" text is gray 7 instead of gray 6. Focus rings show for keyboard users.
 */
export const theme = createTheme({
  colors: {
    // Mantine's orange with darker 8 and 9, so orange text and buttons reach 4.5:1 on white.
    orange: ['#fff4e6', '#ffe8cc', '#ffd8a8', '#ffc078', '#ffa94d', '#ff922b', '#fd7e14', '#f76707', '#c2410c', '#9a3412'],
    // Likewise green: Mantine's 8 and 9 are 4.1 to 4.4:1 on white and on striped rows.
    green: ['#ebfbee', '#d3f9d8', '#b2f2bb', '#8ce99a', '#69db7c', '#51cf66', '#40c057', '#37b24d', '#1f7a35', '#17652b'],
  },
  // Transitions follow the system's "reduce motion" setting.
  respectReducedMotion: true,
  primaryColor: 'blue',
  primaryShade: { light: 8, dark: 4 },
  focusRing: 'auto',
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  headings: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif' },
  components: {
    Badge: { defaultProps: { variant: 'outline' } },
    Modal: { defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } },
    Notification: { defaultProps: { closeButtonProps: { 'aria-label': 'Dismiss' } } },
  },
});

export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-placeholder': 'var(--mantine-color-gray-6)',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    '--mantine-color-anchor': 'var(--mantine-color-blue-9)',
  },
  dark: {},
});
