import type { Aggregate } from '../shared/command-handler.js';
import type { ApplicationCommand } from './decide.js';
import { applicationDecider } from './decider.js';
import { applicationEvent, type ApplicationEvent } from './events.js';
import type { ApplicationState } from './state.js';

export const applicationAggregate: Aggregate<ApplicationCommand, ApplicationEvent, ApplicationState> = {
  decider: applicationDecider,
  schema: applicationEvent,
  schemaVersion: 1,
};
