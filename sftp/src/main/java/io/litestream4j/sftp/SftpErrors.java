package io.litestream4j.sftp;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.SftpException;
import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * Tells the failures of a JSch call apart (a dropped connection is retried on a new one; a missing
 * file is a result, not an error; everything else is reported) and turns them into {@link
 * IOException}s that say which replica file and what to do.
 */
final class SftpErrors {

  private SftpErrors() {}

  static boolean isNoSuchFile(Exception e) {
    return e instanceof SftpException s && s.id == ChannelSftp.SSH_FX_NO_SUCH_FILE;
  }

  /**
   * True for failures of the connection rather than of the operation: the session or channel is
   * down, the server went away, or the socket broke. The operation may succeed on a new connection.
   */
  static boolean isConnectionLost(Exception e) {
    if (e instanceof SftpException s) {
      return s.id == ChannelSftp.SSH_FX_CONNECTION_LOST
          || s.id == ChannelSftp.SSH_FX_NO_CONNECTION
          || s.getCause() instanceof IOException
              && !(s.getCause() instanceof InterruptedIOException)
          || s.id == ChannelSftp.SSH_FX_FAILURE
              && String.valueOf(s.getMessage()).contains("inputstream is closed");
    }
    if (e instanceof JSchException j) {
      String m = String.valueOf(j.getMessage());
      return !m.contains("Auth fail") && !m.contains("HostKey") && !m.contains("reject HostKey");
    }
    return e instanceof IOException && !(e instanceof InterruptedIOException);
  }

  static IOException explain(String what, String where, Exception e) {
    if (e instanceof InterruptedIOException i) {
      return i;
    }
    String detail = e instanceof SftpException s ? describe(s) : String.valueOf(e.getMessage());
    String hint = "";
    if (e instanceof SftpException s && s.id == ChannelSftp.SSH_FX_PERMISSION_DENIED) {
      hint = "; check that the sftp user may write the replica directory";
    } else if (isConnectionLost(e)) {
      hint = "; the connection to the server was lost (it is reopened on the next attempt)";
    }
    return new IOException("sftp: cannot " + what + " " + where + ": " + detail + hint, e);
  }

  private static String describe(SftpException s) {
    String name =
        switch (s.id) {
          case ChannelSftp.SSH_FX_NO_SUCH_FILE -> "no such file";
          case ChannelSftp.SSH_FX_PERMISSION_DENIED -> "permission denied";
          case ChannelSftp.SSH_FX_FAILURE -> "failure";
          case ChannelSftp.SSH_FX_NO_CONNECTION -> "no connection";
          case ChannelSftp.SSH_FX_CONNECTION_LOST -> "connection lost";
          case ChannelSftp.SSH_FX_OP_UNSUPPORTED -> "operation not supported by the server";
          default -> "sftp status " + s.id;
        };
    String m = s.getMessage();
    return m == null || m.isBlank() || m.equalsIgnoreCase(name) ? name : name + " (" + m + ")";
  }
}
