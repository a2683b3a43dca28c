/**
 * The generic Lambda handler: deploy a jar with your task type and handler
 * {@code dev.loadsplitter.lambda.LoadSplitterHandler::handleRequest}, no handler class of your own.
 */
package dev.loadsplitter.lambda;
