'use strict';
exports.handler = (event, context, callback) => {
  console.log('nodecb got', JSON.stringify(event));
  if (event.fail === 'string') { callback('plain string failure'); return; }
  if (event.fail === 'error') { callback(new TypeError('typed failure')); return; }
  if (event.fail === 'throw') { throw new Error('thrown synchronously'); }
  setTimeout(() => callback(null, {
    ok: true, echo: event, functionName: context.functionName, requestId: context.awsRequestId,
    remaining: context.getRemainingTimeInMillis() > 0, custom: context.clientContext ? context.clientContext.Custom : null,
    pid: process.pid,
  }), 5);
};
