import type { Aggregate } from '../shared/command-handler.js';
import { noticeDecider, type NoticeCommand, type NoticeState } from './decide.js';
import { registryChangeEvent, type RegistryChangeEvent } from './events.js';

export const noticeAggregate: Aggregate<NoticeCommand, RegistryChangeEvent, NoticeState> = {
  decider: noticeDecider,
  schema: registryChangeEvent,
  schemaVersion: 1,
};
