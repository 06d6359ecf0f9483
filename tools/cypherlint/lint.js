// Lints Cypher statements with Neo4j's own Cypher 5 front end (@neo4j-cypher/language-support).
// Input on stdin: JSON [{"id": "...", "text": "...", "parameters": {...}}, ...]
// Output on stdout: JSON [{"id": "...", "diagnostics": [{"severity", "message", "line", "column"}]}]
'use strict';
const { lintCypherQuery } = require('@neo4j-cypher/language-support');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const items = JSON.parse(input);
  const out = items.map((item) => {
    const res = lintCypherQuery(item.text, { parameters: item.parameters || {} });
    const diags = (res.diagnostics || res || []).map((d) => ({
      severity: d.severity,
      message: d.message,
      line: d.range ? d.range.start.line + 1 : null,
      column: d.range ? d.range.start.character + 1 : null,
    }));
    return { id: item.id, diagnostics: diags };
  });
  process.stdout.write(JSON.stringify(out));
});
