// ESLint for the browser scripts of static/js/ (`make lint-js`, run from the repository's top
// level with `--config .ci/eslint/eslint.config.mjs`, so that the patterns below are relative to it).
import js from "@eslint/js";
import globals from "globals";

export default [
  js.configs.recommended,
  {
    files: ["static/js/**/*.js"],
    languageOptions: {
      ecmaVersion: "latest",
      // Classic scripts loaded by <script src defer> (no modules): each one is an IIFE.
      sourceType: "script",
      globals: {
        ...globals.browser,
        // Django's JavaScript catalogue (URL « jsi18n/ », loaded first by templates/base.html).
        gettext: "readonly",
        ngettext: "readonly",
        interpolate: "readonly",
      },
    },
    linterOptions: {
      reportUnusedDisableDirectives: "error",
    },
  },
];
