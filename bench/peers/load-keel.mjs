// Loads a CSV with keel's readTable (the built library in dist/) and prints
// seconds and peak memory as JSON, like load_pandas.py does for pandas.
import { readTable } from '../../dist/data/read.js';

const start = performance.now();
const frame = await readTable(process.argv[2]);
const seconds = (performance.now() - start) / 1000;
const peakMB = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify({ seconds, peakMB, rows: frame.rowCount, columns: frame.columnCount }));
