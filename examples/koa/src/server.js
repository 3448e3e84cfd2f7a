// Starts the example app. Environment:
//   DDB_ENDPOINT  the DynamoDB endpoint (ddbwatch), default http://127.0.0.1:8000
//   PORT          where the app listens, default 3000
//   AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY  the app principal's credentials
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { useCallsite } from 'ddbwatch-callsite';
import { createApp } from './app.js';

const ddb = useCallsite(new DynamoDBClient({
  endpoint: process.env.DDB_ENDPOINT || 'http://127.0.0.1:8000',
  region: process.env.AWS_REGION || 'us-east-1',
  credentials: {
    accessKeyId: process.env.AWS_ACCESS_KEY_ID || 'koa-app',
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY || 'local',
  },
}));
const port = Number(process.env.PORT || 3000);
createApp({ ddb }).listen(port, () => console.log(`example app listening on http://0.0.0.0:${port}`));
