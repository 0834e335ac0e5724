// cpcxl: error values with their reasons in Excel, for xlwings Server's custom functions.
//
// cpcxl serves this ahead of xlwings Server's own custom-functions code, in the same script
// (/xlwings/custom-functions-code.js); xlwings' code itself is served unchanged after it.
// xlwings' code gives Excel the server's `result` as it is. cpcxl's server answers a bad
// cell as an error object, {"type": "Error", "errorType": "Value", "message": "<reason>"},
// for runtimes that have CustomFunctions.Error (CustomFunctionsRuntime 1.2 and later); an
// error object is data, and only a CustomFunctions.Error is an error value Excel shows with
// its message in the cell's error indicator and IFERROR and ISERROR recognise. So every
// function xlwings' code associates is associated wrapped: its result, a 2-D array, has each
// error object replaced by a CustomFunctions.Error, and every other cell left as it is.
//
// Microsoft's CustomFunctions.ErrorCode documentation: a custom message can be shown only
// with #VALUE! (invalidValue) and #N/A (notAvailable); #NUM!, #DIV/0! and #NULL! go without
// one. #NAME? and #REF! cannot be a custom function's result, so such objects are left alone.
(function () {
  "use strict";
  if (
    typeof CustomFunctions === "undefined" ||
    typeof CustomFunctions.associate !== "function" ||
    typeof CustomFunctions.Error !== "function"
  ) {
    return; // not in Excel's custom-functions runtime, or one without error values
  }
  // Office.js's error types (Excel.ErrorCellValueType) -> CustomFunctions.ErrorCode names.
  const CODES = {
    Value: "invalidValue",
    NotAvailable: "notAvailable",
    Num: "invalidNumber",
    Div0: "divisionByZero",
    Null: "nullReference",
  };
  const WITH_MESSAGE = new Set(["invalidValue", "notAvailable"]);

  function isErrorObject(cell) {
    return (
      cell !== null &&
      typeof cell === "object" &&
      !Array.isArray(cell) &&
      !(cell instanceof CustomFunctions.Error) &&
      cell.type === "Error" &&
      Object.prototype.hasOwnProperty.call(CODES, cell.errorType)
    );
  }

  function excelError(cell) {
    const name = CODES[cell.errorType];
    const code = CustomFunctions.ErrorCode[name];
    const message = typeof cell.message === "string" ? cell.message : "";
    if (WITH_MESSAGE.has(name) && message) {
      return new CustomFunctions.Error(code, message);
    }
    return new CustomFunctions.Error(code);
  }

  function cellValue(cell) {
    return isErrorObject(cell) ? excelError(cell) : cell;
  }

  function excelErrors(result) {
    if (!Array.isArray(result)) {
      return cellValue(result);
    }
    return result.map((row) => (Array.isArray(row) ? row.map(cellValue) : cellValue(row)));
  }

  function withErrorValues(fn) {
    return async function () {
      return excelErrors(await fn.apply(this, arguments));
    };
  }

  const associate = CustomFunctions.associate;
  CustomFunctions.associate = function (id, fn) {
    if (typeof id === "string" && typeof fn === "function") {
      return associate.call(this, id, withErrorValues(fn));
    }
    if (id !== null && typeof id === "object") {
      // The other form: associate({ID: function, ...}).
      const mappings = {};
      for (const [name, each] of Object.entries(id)) {
        mappings[name] = typeof each === "function" ? withErrorValues(each) : each;
      }
      return associate.call(this, mappings);
    }
    return associate.apply(this, arguments);
  };
})();
