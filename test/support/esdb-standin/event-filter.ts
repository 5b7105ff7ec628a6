/**
 * Server-side filters of $all reads and subscriptions: on the stream name or the event type, by a
 * regular expression (matched anywhere, as .NET's Regex.IsMatch does) or by a list of prefixes.
 * The client's excludeSystemEvents() is an event-type regex, `^[^$].*`.
 */
import type { ReadReq } from '@eventstore/db-client/generated/streams_pb.js';
import type { LogRecord } from './transaction-log.js';

type Expression = ReadReq.Options.FilterOptions.Expression;

export function eventFilter(options: ReadReq.Options): (record: LogRecord) => boolean {
  const filter = options.getFilter();
  if (filter === undefined) return () => true;
  const onStream = filter.getStreamIdentifier();
  if (onStream !== undefined) return matching(onStream, (record) => record.stream);
  const onType = filter.getEventType();
  if (onType !== undefined) return matching(onType, (record) => record.type);
  return () => true;
}

function matching(expression: Expression, field: (record: LogRecord) => string): (record: LogRecord) => boolean {
  const regex = expression.getRegex();
  if (regex !== '') {
    const pattern = new RegExp(regex);
    return (record) => pattern.test(field(record));
  }
  const prefixes = expression.getPrefixList();
  return (record) => prefixes.some((prefix) => field(record).startsWith(prefix));
}
