'use strict';
exports.handler = async (event) => {
  if (!event.grow) return { pid: process.pid };
  const hoard = [];
  for (;;) hoard.push(new Array(1e6).fill(hoard.length));
};
