import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules", ".data", "migrations", ".netlify"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-restricted-globals": ["error", { name: "parseFloat", message: "Money and volumes use decimal.js." }],
    },
  },
  { files: ["test/**"], rules: { "@typescript-eslint/no-explicit-any": "off" } },
);
