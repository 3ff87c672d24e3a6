import type { WizardSession } from '../state/session.js';

/** What every screen gets from the frame: the session and the room it may use. */
export interface ScreenProps {
  session: WizardSession;
  width: number;
  /** Rows the screen may use; it must not draw more. */
  height: number;
}
