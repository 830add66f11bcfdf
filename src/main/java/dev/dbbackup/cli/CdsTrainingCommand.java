package dev.dbbackup.cli;

import dev.dbbackup.config.ConfigException;
import dev.dbbackup.operation.ExitCode;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Hidden: the workload of the launcher's class-data-sharing archive (see {@link CdsTraining}); not for users. */
@Command(name = "cds-training", hidden = true,
        description = "Run backup, verify and restore on a throwaway SQLite database in DIR (empty or missing), for the"
                + " dbbackup launcher's class-data-sharing archive. Needs an environment without dbbackup settings (env -i).")
public class CdsTrainingCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "An empty or missing folder; everything is written there.")
    Path folder;

    @Inject
    CommandLine.IFactory factory;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> settings = CdsTraining.settingVariables(System.getenv());
        if (!settings.isEmpty()) {
            throw new ConfigException("cds-training runs only without dbbackup settings in the environment, found "
                    + String.join(", ", settings), "run it as the launcher does: env -i PATH=\"$PATH\" java -jar ... cds-training DIR");
        }
        List<CdsTraining.Outcome> outcomes = CdsTraining.run(new CdsTraining(folder).prepare(),
                args -> DbBackupCommand.commandLine(factory).execute(args));
        boolean all = true;
        for (CdsTraining.Outcome outcome : outcomes) {
            out.println("cds-training step '" + outcome.step().name() + "': exit " + outcome.exitCode()
                    + (outcome.asExpected() ? "" : " (expected " + outcome.step().expectedExit() + ")"));
            all &= outcome.asExpected();
        }
        out.flush();
        return all ? ExitCode.OK.code() : ExitCode.FAILURE.code();
    }
}
