/**
 * ServerFeatures.GetSupportedMethods, which the client asks once per connection. Like a real node it
 * names methods and services in lower case; it lists only what the stand-in serves, so the client
 * appends with BatchAppend (as it does against 21.10 and later) and Append stays unimplemented.
 */
import type { IServerFeaturesServer } from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import serverFeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb.js';

/** The server version whose behaviour the stand-in imitates. */
const IMITATED_VERSION = '24.10.0';

const STREAMS = 'event_store.client.streams.streams';

export const serverFeatures: IServerFeaturesServer = {
  getSupportedMethods: (_call, callback) => {
    const methods = [
      supported(STREAMS, 'read', ['position', 'events']),
      supported(STREAMS, 'batchappend', ['deadline_duration']),
      supported('event_store.client.server_features.serverfeatures', 'getsupportedmethods', []),
    ];
    callback(null, new serverFeaturesPb.SupportedMethods().setEventStoreServerVersion(IMITATED_VERSION).setMethodsList(methods));
  },
};

function supported(serviceName: string, methodName: string, features: string[]) {
  return new serverFeaturesPb.SupportedMethod().setServiceName(serviceName).setMethodName(methodName).setFeaturesList(features);
}
