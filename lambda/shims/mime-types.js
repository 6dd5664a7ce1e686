// Bundle-time stand-in for `mime-types`, used only by form-data inside axios to guess the
// content type of uploaded files. The function never uploads files (it sends JSON and a
// url-encoded token form), so this saves the 133 KB mime database from every cold start.
// form-data falls back to application/octet-stream when `lookup` returns false.
'use strict';
module.exports = {
  lookup: () => false,
  contentType: () => false,
  extension: () => false,
  charset: () => false,
  types: {},
  extensions: {},
};
