// A stand-in for Office.js, for cpcxl's browser tests: only the host objects that xlwings
// Server's task pane and custom-functions code touch, as Excel provides them in the add-in's
// shared runtime. The tests serve it in place of the vendored office.js the page asks for,
// so every other script runs exactly as the server serves it.
//
// Settings come from globalThis.cpcxlOfficeSettings (set by the test before the page loads):
// the custom-functions runtime to report, the workbook's name, culture and date pattern.
//
// CustomFunctions.Error holds cpcxl to Microsoft's documented rules for custom functions:
// a code must be one of CustomFunctions.ErrorCode's values, and a message is allowed only
// with #VALUE! and #N/A ("CustomFunctions.ErrorCode enum", Office Add-ins JavaScript API).
(function () {
  "use strict";
  const settings = Object.assign(
    {
      runtime: "1.4",
      excelApi: "1.17",
      workbook: "Commissioning.xlsx",
      culture: "en-GB",
      dateFormat: "dd/mm/yyyy",
    },
    globalThis.cpcxlOfficeSettings || {},
  );
  const supported = {
    excelapi: settings.excelApi,
    customfunctionsruntime: settings.runtime,
    sharedruntime: "1.1",
    dialogapi: "1.2",
    ribbonapi: "1.1",
  };

  function atLeast(have, want) {
    const a = String(have).split(".").map(Number);
    const b = String(want || "1.1").split(".").map(Number);
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const x = a[i] || 0;
      const y = b[i] || 0;
      if (x !== y) return x > y;
    }
    return true;
  }

  const info = { host: "Excel", platform: "PC" };
  const ready = Promise.resolve(info);
  const actions = {};

  globalThis.Office = {
    HostType: { Excel: "Excel" },
    PlatformType: { PC: "PC", OfficeOnline: "OfficeOnline", Mac: "Mac" },
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    EventType: {
      DialogMessageReceived: "dialogMessageReceived",
      DialogEventReceived: "dialogEventReceived",
    },
    onReady(callback) {
      if (typeof callback === "function") ready.then(callback);
      return ready;
    },
    context: {
      host: "Excel",
      platform: "PC",
      displayLanguage: settings.culture,
      diagnostics: { host: "Excel", platform: "PC", version: "cpcxl test stand-in" },
      requirements: {
        isSetSupported(name, version) {
          const have = supported[String(name).toLowerCase()];
          return have !== undefined && atLeast(have, version);
        },
      },
    },
    actions: {
      associate(id, fn) {
        actions[id] = fn;
      },
    },
    addin: {
      async showAsTaskpane() {},
    },
  };

  class Loadable {
    load() {
      return this;
    }
  }

  class RequestContext {
    constructor() {
      const datetimeFormat = Object.assign(new Loadable(), {
        shortDatePattern: settings.dateFormat,
      });
      const cultureInfo = Object.assign(new Loadable(), {
        name: settings.culture,
        datetimeFormat,
      });
      this.application = Object.assign(new Loadable(), {
        cultureInfo,
        calculationMode: "Automatic",
      });
      this.workbook = Object.assign(new Loadable(), {
        name: settings.workbook,
        application: this.application,
      });
    }
    async sync() {}
  }

  globalThis.Excel = {
    RequestContext,
    ShapeType: { image: "Image" },
    async run(...args) {
      const batch = args[args.length - 1];
      return await batch(new RequestContext());
    },
  };

  const ErrorCode = Object.freeze({
    divisionByZero: "#DIV/0!",
    invalidName: "#NAME?",
    invalidNumber: "#NUM!",
    invalidReference: "#REF!",
    invalidValue: "#VALUE!",
    notAvailable: "#N/A",
    nullReference: "#NULL!",
  });
  const WITH_MESSAGE = new Set([ErrorCode.invalidValue, ErrorCode.notAvailable]);

  class CustomFunctionsError extends Error {
    constructor(code, message) {
      if (!Object.values(ErrorCode).includes(code)) {
        throw new TypeError(`${code} is not a CustomFunctions.ErrorCode`);
      }
      if (message !== undefined && !WITH_MESSAGE.has(code)) {
        throw new TypeError(`Excel shows no custom message with ${code}`);
      }
      if (message === undefined) {
        super(); // no message of its own
      } else {
        super(message);
      }
      this.code = code;
    }
  }

  const associated = {};
  const associations = [];
  function associate(id, fn) {
    if (typeof id === "object" && id !== null) {
      for (const [name, each] of Object.entries(id)) associate(name, each);
      return;
    }
    associations.push(String(id).toUpperCase());
    associated[String(id).toUpperCase()] = fn;
  }

  globalThis.CustomFunctions = {
    ErrorCode,
    Error: CustomFunctionsError,
    associate,
  };
  // For the tests: what was associated, and the ribbon's actions.
  globalThis.cpcxlOffice = { associated, associations, actions, settings };
})();
