#!/usr/bin/env node
// `buf breaking` against the main branch (origin/main when present, else main): a contract
// change that breaks wire or JSON compatibility fails. Skipped, with a message, while the
// reference has no protos yet (the first commit that adds them).
import { execFileSync } from 'node:child_process';

const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
const has = (ref) => {
  try {
    git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`);
    return true;
  } catch {
    return false;
  }
};

const ref = ['origin/main', 'main'].find(has);
if (!ref) {
  console.log('proto:breaking: no main branch to compare against; skipped');
  process.exit(0);
}
let protoFiles = '';
try {
  protoFiles = git('ls-tree', '-r', '--name-only', ref, '--', 'proto');
} catch {
  protoFiles = '';
}
if (!protoFiles.includes('.proto')) {
  console.log(`proto:breaking: ${ref} has no protos yet; skipped`);
  process.exit(0);
}
const against = `.git#ref=${git('rev-parse', ref)}`;
console.log(`proto:breaking: buf breaking --against ${ref}`);
execFileSync('npx', ['buf', 'breaking', '--against', against], { cwd: root, stdio: 'inherit' });
