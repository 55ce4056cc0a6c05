/**
 * The node agent's entry point and loop: it reads its OSNode instruction, drives the state machine
 * and reports status.
 */
package dev.treewave.agent;
