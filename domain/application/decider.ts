import type { Decider } from '../shared/decider.js';
import { decideApplication, type ApplicationCommand } from './decide.js';
import type { ApplicationEvent } from './events.js';
import { evolveApplication, initialApplicationState, type ApplicationState } from './state.js';

export const applicationDecider: Decider<ApplicationCommand, ApplicationEvent, ApplicationState> = {
  initialState: initialApplicationState,
  evolve: evolveApplication,
  decide: decideApplication,
};

export const applicationStream = (applicationId: string): string => `application-${applicationId}`;
