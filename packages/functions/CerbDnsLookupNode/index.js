'use strict';
const dns = require('dns');

exports.handler = (event, context, callback) => {
  if(undefined === event.mode || 0 === event.mode.length) {
    callback("The 'mode' parameter is required.");
    return;
  }

  if(undefined === event.value || 0 === event.value.length) {
    callback("The 'value' parameter is required.");
    return;
  }

  switch(event.mode) {
    // Reverse
    case 'reverse':
      dns.reverse(event.value, function(err, hostnames) {
        if(err) {
          callback(err);
          return;
        }

        callback(null, hostnames);
      });
      break;

    // MX
    case 'mx':
      dns.resolveMx(event.value, function(err, exchanges) {
        if(err) {
          callback(err);
          return;
        }

        callback(null, exchanges);
      });
      break;

    // Resolve
    default:
      dns.resolve(event.value, function(err, addresses) {
        if(err) {
          callback(err);
          return;
        }

        callback(null, addresses);
      });
      break;
  }
};
