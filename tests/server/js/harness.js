// cpcxl's browser tests call worksheet functions through this: each call goes to the function
// xlwings' custom-functions code associated (as Excel would call it: every argument, then the
// invocation), and the value Excel would get back is described cell by cell in JSON, with a
// CustomFunctions.Error as {error: code, message}.
(function () {
  "use strict";

  function described(cell) {
    if (cell instanceof CustomFunctions.Error) {
      const own = Object.prototype.hasOwnProperty.call(cell, "message");
      return { error: cell.code, message: own ? cell.message : null };
    }
    if (cell instanceof Error) {
      return { thrown: String(cell) };
    }
    return cell;
  }

  function describedResult(result) {
    if (!Array.isArray(result)) return described(result);
    return result.map((row) => (Array.isArray(row) ? row.map(described) : described(row)));
  }

  globalThis.cpcxlHarness = {
    associations() {
      return cpcxlOffice.associations.slice();
    },
    async call(id, args, address) {
      const fn = cpcxlOffice.associated[id];
      if (typeof fn !== "function") return { missing: id };
      const invocation = { address, functionName: id, setResult() {} };
      try {
        return { result: describedResult(await fn(...args, invocation)) };
      } catch (error) {
        return { raised: described(error) };
      }
    },
  };
})();
