/**
 * The operator's entry point ({@code OperatorMain}, picocli) and its runtime: JOSDK, leader
 * election, the ops server.
 */
package dev.treewave.operator;
