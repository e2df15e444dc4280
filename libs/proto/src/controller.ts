/** samsa.controller.v1: the controller's contract and the metadata-log records. */
export * from './gen/samsa/controller/v1/controller_types.js';
export * from './gen/samsa/controller/v1/topic_messages.js';
export * from './gen/samsa/controller/v1/metadata_records.js';
export * from './gen/samsa/controller/v1/controller_service.js';
