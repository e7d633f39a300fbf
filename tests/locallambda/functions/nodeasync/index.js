'use strict';
exports.handler = async (event, context) => {
  if (event.reject) throw new RangeError('async failure');
  if (event.hang) await new Promise(() => {});
  await new Promise((r) => setTimeout(r, 5));
  return { async: true, sum: (event.a || 0) + (event.b || 0) };
};
