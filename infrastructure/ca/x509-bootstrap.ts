/**
 * The one place that prepares @peculiar/x509: its dependency container needs the Reflect metadata
 * polyfill loaded before the library itself, and its crypto provider is a process-wide singleton.
 * Every infrastructure/ca module that uses @peculiar imports this file first.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { cryptoProvider } from '@peculiar/x509';

cryptoProvider.set(webcrypto);
