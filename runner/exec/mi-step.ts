/** Runs a YAML `mi` step: renders the parameters, calls the system under test's management commands in-process, checks the outcome. */
import type { MiStep } from '../model/scenario';
import type { Call } from './call';
import type { CompiledStep } from './compile-scenario';

/** True when the call goes on; false when the step failed it. */
export function runMiStep(call: Call, cs: CompiledStep, step: MiStep): boolean {
  const invoke = call.agent.options.mi;
  if (invoke === undefined) {
    call.fail('FailedCmdNotSent', `mi ${step.command}: no system under test to run it on (a flow with "sut:" runs with --sim)`);
    return false;
  }
  const compiled = cs.miParams ?? { names: undefined, templates: [] };
  const values = compiled.templates.map((t) => call.render(t));
  const names = compiled.names;
  const params = names === undefined ? values : Object.fromEntries(names.map((name, i) => [name, values[i] ?? '']));
  const shown = JSON.stringify(params);
  const outcome = invoke(step.command, params);
  if (outcome.ok) {
    if (step.expectError !== undefined) {
      call.fail('FailedCmdNotSent', `mi ${step.command} ${shown}: expected error ${step.expectError}, it succeeded with ${JSON.stringify(outcome.result)}`);
      return false;
    }
    if (step.assignTo !== undefined) call.vars.set(step.assignTo, JSON.stringify(outcome.result) ?? '');
    return true;
  }
  if (step.expectError === outcome.code) {
    if (step.assignTo !== undefined) call.vars.set(step.assignTo, outcome.message);
    return true;
  }
  call.fail('FailedCmdNotSent', `mi ${step.command} ${shown}: error ${outcome.code} ${outcome.message}${step.expectError === undefined ? '' : ` (expected ${step.expectError})`}`);
  return false;
}
